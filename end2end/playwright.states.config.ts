import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// The transitional-states spec (states/): run by scripts/test.sh against a second server of its own,
// since it slows every transition down for a while (Demo page, "Transition speed").
export default defineConfig({ ...base, testDir: "./states", timeout: 600_000 });
