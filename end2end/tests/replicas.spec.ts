import { test, expect, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { CONSUMER, hydrated } from "./helpers";
import { ORDERS, unique, watchErrors } from "./pages";

// Two replicas on one PostgreSQL database (scripts/test.sh starts them): a page served by replica B
// updates live when the cloud API changes something through replica A. Skipped without a second
// replica (LINKYARD_URL_A).

const ROOT = path.resolve(__dirname, "../..");
const A = process.env.LINKYARD_URL_A;

/** One API call through tests/sdk/call.py against replica A; the body and when it arrived. */
function apiOnA(who: "contoso", action: string, params: Record<string, unknown>) {
  const out = execFileSync(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "tests/sdk/call.py"), who, action, JSON.stringify(params)], {
    env: { ...process.env, LINKYARD_API: new URL(A!).host },
    encoding: "utf8",
  });
  const answer = JSON.parse(out);
  return { ...answer.Body, answeredMs: answer.AnsweredMs as number };
}

async function signInByHand(page: Page, who: { id: string; password: string }) {
  await page.fill("#account_id", who.id);
  await page.fill("#password", who.password);
  await page.click("#sign-in");
  await expect(page.locator("#account-switcher")).toBeVisible();
}

test("a change through replica A shows live on a page served by replica B", async ({ page }) => {
  test.skip(!A, "needs a second replica on the same PostgreSQL (LINKYARD_URL_A; scripts/test.sh)");
  const errors = watchErrors(page);
  await page.goto("/signin");
  await hydrated(page);
  await signInByHand(page, CONSUMER);
  await expect(page.locator("#live-status")).toHaveAttribute("data-status", "live");
  await page.getByRole("link", { name: "Endpoints", exact: true }).click();
  await expect(page).toHaveURL(/\/endpoints/);

  const created = apiOnA("contoso", "CreateVpcEndpoint", {
    RegionId: "cn-hangzhou", ServiceId: ORDERS, VpcId: "vpc-bp1contoso0000000001", EndpointName: unique("via-replica-a"),
    SecurityGroupId: ["sg-bp1contoso00000000001"], Zone: [{ ZoneId: "cn-hangzhou-h", VSwitchId: "vsw-bp1contoso000000000h" }],
  });
  const eid: string = created.EndpointId;
  const cell = page.locator(`td[data-connection="${eid}"]`);
  await expect(cell).toBeVisible({ timeout: 5_000 });
  const delay = Date.now() - created.answeredMs;
  console.log(`a create through replica A reached the page served by replica B after ${delay} ms`);
  expect(delay).toBeLessThan(1_000);

  // The endpoint's own transitions (run by whichever replica leads the reconciler) follow live too;
  // once it settled, delete it through A and see it go from B's page.
  await expect
    .poll(() => apiOnA("contoso", "GetVpcEndpointAttribute", { RegionId: "cn-hangzhou", EndpointId: eid }).EndpointStatus, { timeout: 10_000 })
    .toBe("Active");
  apiOnA("contoso", "DeleteVpcEndpoint", { RegionId: "cn-hangzhou", EndpointId: eid });
  await expect(cell).toHaveCount(0, { timeout: 10_000 });
  expect(errors).toEqual([]);
});
