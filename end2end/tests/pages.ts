import { Locator, Page, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { hydrated } from "./helpers";

// Shared by the accessibility and layout specs: error watching, sign-in by hand, SDK calls.

export const ORDERS = "epsrv-bp1northwindorders01";
const ROOT = path.resolve(__dirname, "../..");
export const BASE = process.env.LINKYARD_URL ?? "http://127.0.0.1:3000";

/** Collects console errors, hydration warnings and uncaught exceptions of `page`; check it with `expect(errors).toEqual([])`. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || /hydrat/i.test(m.text())) errors.push(`console ${m.type()}: ${m.text()} (${page.url()})`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message} (${page.url()})`));
  // Name the failing request too (the console message only says "Failed to load resource").
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return errors;
}

/** Signs in on the sign-in page as a person does. */
export async function signInByHand(page: Page, who: { id: string; password: string }) {
  await page.goto("/signin");
  await hydrated(page);
  await page.fill("#account_id", who.id);
  await page.fill("#password", who.password);
  await page.click("#sign-in");
  await expect(page.locator("#account-switcher")).toBeVisible();
}

/** Opens `url` and waits until it hydrated and nothing reads "Loading…" any more. */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
  await expect(page.getByText("Loading…")).toHaveCount(0);
}

/** Calls a cloud API action through the official SDK (tests/sdk/call.py) and returns its body. */
export function api(who: "northwind" | "contoso" | "fabrikam", action: string, params: Record<string, unknown>) {
  const out = execFileSync(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "tests/sdk/call.py"), who, action, JSON.stringify(params)], {
    env: { ...process.env, LINKYARD_API: new URL(BASE).host },
    encoding: "utf8",
  });
  return JSON.parse(out).Body;
}

/** A name no other spec or earlier run used: `prefix-<time><random>`. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** Contoso's endpoint to Northwind's orders service, waiting for Northwind; delete it after. */
export function createEndpoint(name: string, zones: ("h" | "i")[] = ["h"]): string {
  const created = api("contoso", "CreateVpcEndpoint", {
    RegionId: "cn-hangzhou", ServiceId: ORDERS, VpcId: "vpc-bp1contoso0000000001", EndpointName: name,
    SecurityGroupId: ["sg-bp1contoso00000000001"],
    Zone: zones.map((z) => ({ ZoneId: `cn-hangzhou-${z}`, VSwitchId: `vsw-bp1contoso000000000${z}` })),
  });
  return created.EndpointId;
}

/** Northwind accepts Contoso's endpoint `id` (at `bandwidth` Mbit/s); resolves once it is Connected. */
export async function acceptEndpoint(id: string, bandwidth = 1024) {
  await expect.poll(() => {
    try {
      api("northwind", "EnableVpcEndpointConnection", { RegionId: "cn-hangzhou", ServiceId: ORDERS, EndpointId: id, Bandwidth: bandwidth });
      return true;
    } catch {
      return false; // still Creating
    }
  }, { timeout: 15_000 }).toBe(true);
  await expect.poll(() => api("contoso", "GetVpcEndpointAttribute", { RegionId: "cn-hangzhou", EndpointId: id }).ConnectionStatus, { timeout: 15_000 }).toBe("Connected");
}

/** Contoso's endpoint to the orders service, accepted and Connected; delete it after. */
export async function connectedEndpoint(name: string, zones: ("h" | "i")[] = ["h"]): Promise<string> {
  const id = createEndpoint(name, zones);
  await acceptEndpoint(id);
  return id;
}

/** Deletes Contoso's endpoint `id`; nothing when it is gone already. */
export function deleteEndpoint(id: string) {
  try {
    api("contoso", "DeleteVpcEndpoint", { RegionId: "cn-hangzhou", EndpointId: id });
  } catch {
    // deleted already
  }
}

/** How many connections the provider's top bar says wait for it ("3 waiting"; none: 0). */
export async function waitingCount(page: Page): Promise<number> {
  const badge = page.locator("#pending-badge");
  if ((await badge.count()) === 0) return 0;
  return Number((await badge.innerText()).split(" ")[0]);
}

/**
 * Clicks `button` until `state()` reads `want`. The Demo page redraws its sections when its data
 * refetches (once more right after load, when the live stream opens), and a click that lands on
 * the section being replaced is lost; so click again, but only while the state is still the old one.
 */
export async function clickUntil(button: Locator, state: () => Promise<string | null>, want: string) {
  await expect(async () => {
    if ((await state()) !== want) await button.click();
    await expect.poll(state, { timeout: 2_000 }).toBe(want);
  }).toPass({ timeout: 20_000 });
}
