import { test, expect, Browser } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { ARTIFACTS, CONSUMER, PROVIDER, hydrated, signIn } from "./helpers";
import { unique, waitingCount } from "./pages";

// Changes made through the cloud API (the official Python SDK, V3 signatures) appear live in open
// console pages, and changes made in the console are what the API answers next.

const ORDERS = "epsrv-bp1northwindorders01";
const ROOT = path.resolve(__dirname, "../..");
const BASE = process.env.LINKYARD_URL ?? "http://127.0.0.1:3000";

/** One API call through tests/sdk/call.py: the response body and when it arrived (throws on a refusal). */
function api(who: "northwind" | "contoso", action: string, params: Record<string, unknown>) {
  const out = execFileSync(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "tests/sdk/call.py"), who, action, JSON.stringify(params)], {
    env: { ...process.env, LINKYARD_API: new URL(BASE).host },
    encoding: "utf8",
  });
  const answer = JSON.parse(out);
  return { ...answer.Body, answeredMs: answer.AnsweredMs as number };
}

async function signedInPage(browser: Browser, who: { id: string; password: string }) {
  const context = await browser.newContext({ baseURL: BASE });
  const page = await context.newPage();
  await signIn(page, who);
  return page;
}

test("cloud API changes appear live in the console, console changes in the API", async ({ browser }) => {
  const consumer = await signedInPage(browser, CONSUMER);
  await consumer.goto("/endpoints");
  await hydrated(consumer);
  const provider = await signedInPage(browser, PROVIDER);
  await provider.goto(`/services/${ORDERS}?tab=connections`);
  await hydrated(provider);
  await expect(provider.getByText("Loading…")).toHaveCount(0);
  const waitingBefore = await waitingCount(provider);

  // API → console: Contoso's SDK creates an endpoint; both open pages show it without a reload.
  const created = api("contoso", "CreateVpcEndpoint", {
    RegionId: "cn-hangzhou", ServiceId: ORDERS, VpcId: "vpc-bp1contoso0000000001", EndpointName: unique("from-the-sdk"),
    SecurityGroupId: ["sg-bp1contoso00000000001"], Zone: [{ ZoneId: "cn-hangzhou-h", VSwitchId: "vsw-bp1contoso000000000h" }],
  });
  const eid: string = created.EndpointId;
  const cell = consumer.locator(`td[data-connection="${eid}"]`);
  await expect(cell).toBeVisible({ timeout: 5_000 });
  const delay = Date.now() - created.answeredMs;
  console.log(`API create reached the consumer's open page after ${delay} ms`);
  expect(delay).toBeLessThan(1_000);
  await expect(provider.locator("#pending-badge")).toHaveText(`${waitingBefore + 1} waiting`);
  await consumer.screenshot({ path: `${ARTIFACTS}/api-live-endpoints.png`, fullPage: true });

  // Console → API: the provider accepts with a bandwidth in the console; the API answers it.
  const row = provider.locator(`#service-connections tr[data-endpoint="${eid}"]`);
  // Before accepting, the provider is told an NLB connection's limit is not enforced (elastic).
  await expect(row.locator("[data-enforcement]")).toHaveAttribute("data-enforcement", "elastic");
  await expect(row.locator("[data-enforcement]")).toContainText("not enforced");
  await row.locator('input[aria-label="Bandwidth in Mbit/s"]').fill("2048");
  // A live refresh updates the row in place, so the click lands even while the endpoint's own
  // transition arrives.
  await row.locator('button[data-action="accept"]').click();
  await expect(row).toContainText("Connected", { timeout: 10_000 });
  // A refused value rolls back to the value in force, and the toast says why.
  const editor = row.locator('input[aria-label="Bandwidth in Mbit/s"]');
  await editor.fill("50");
  await row.getByRole("button", { name: "Set limit" }).click();
  await expect(provider.getByText(/between 100 and/).first()).toBeVisible();
  await expect(editor).toHaveValue("2048");
  const got = api("contoso", "GetVpcEndpointAttribute", { RegionId: "cn-hangzhou", EndpointId: eid });
  expect(got.ConnectionStatus).toBe("Connected");
  expect(got.Bandwidth).toBe(2048);
  await expect(cell).toContainText("Connected");

  // API → console again: the provider's SDK disconnects; the consumer's open page follows.
  api("northwind", "DisableVpcEndpointConnection", { RegionId: "cn-hangzhou", ServiceId: ORDERS, EndpointId: eid });
  await expect(cell).toContainText("Disconnected", { timeout: 10_000 });
  api("contoso", "DeleteVpcEndpoint", { RegionId: "cn-hangzhou", EndpointId: eid });
  await expect(cell).toHaveCount(0, { timeout: 10_000 });
});
