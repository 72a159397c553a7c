import { test, expect } from "@playwright/test";
import { CONSUMER, PROVIDER, ARTIFACTS, signIn } from "./helpers";
import { ORDERS, api, clickUntil, open, watchErrors } from "./pages";

// The data plane in the console: listeners edited in Inventory, VPC resolver and ENI local
// addresses shown, and the Demo page's traffic generator moving
// the endpoint's live chart. Any browser console error fails the test. Cleans up what it creates.

const NLB = "nlb-bp1northwind0000001";

test("listeners, local addresses and the traffic generator", async ({ page }) => {
  const errors = watchErrors(page);
  let eid = "";
  try {
    await signIn(page, PROVIDER);
    await open(page, "/inventory");
    const lb = page.locator(`#load-balancers tr[data-listeners-of="${NLB}"]`);
    await expect(lb.locator('[data-listener="8080"]')).toContainText("8080 → 127.0.0.1:18080");
    const form = lb.locator(`[data-listener-form="${NLB}"]`);
    await form.getByLabel("Listener port").fill("9090");
    await form.getByLabel("Backend address").fill("127.0.0.1:19090");
    await form.getByRole("button", { name: "Add" }).click();
    await expect(lb.locator('[data-listener="9090"]')).toContainText("9090 → 127.0.0.1:19090");
    await page.screenshot({ path: `${ARTIFACTS}/inventory-listeners.png`, fullPage: true });
    await lb.getByRole("button", { name: "Remove listener 9090" }).click();
    await expect(lb.locator('[data-listener="9090"]')).toHaveCount(0);
    await expect(page.locator('#vpcs [data-resolver=""]').first()).toContainText("127.53.");

    // Contoso's endpoint to the orders service, accepted by Northwind.
    const created = api("contoso", "CreateVpcEndpoint", {
      RegionId: "cn-hangzhou", ServiceId: ORDERS, VpcId: "vpc-bp1contoso0000000001", EndpointName: `traffic-${Date.now()}`,
      SecurityGroupId: ["sg-bp1contoso00000000001"], Zone: [{ ZoneId: "cn-hangzhou-h", VSwitchId: "vsw-bp1contoso000000000h" }],
    });
    eid = created.EndpointId;
    await expect.poll(() => {
      try {
        api("northwind", "EnableVpcEndpointConnection", { RegionId: "cn-hangzhou", ServiceId: ORDERS, EndpointId: eid });
        return true;
      } catch {
        return false;
      }
    }, { timeout: 15_000 }).toBe(true);

    await signIn(page, CONSUMER, true);
    await open(page, `/endpoints/${eid}?tab=zones`);
    await expect(page.locator('#endpoint-zones-table [data-local-ip=""]').first()).toContainText("127.1.");

    await open(page, "/demo");
    const generator = page.locator("#traffic-generator");
    await expect(generator).toContainText(eid);
    const toggle = generator.locator("#traffic-toggle");
    await clickUntil(toggle, () => toggle.innerText(), "Stop traffic");

    // The endpoint's page charts the generated traffic live, with the limit.
    await generator.locator(`a[href="/endpoints/${eid}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/endpoints/${eid}`));
    const zone = page.locator("#endpoint-traffic figure[data-zone]").first();
    await expect(page.locator("#endpoint-traffic figure[data-zone]")).toHaveCount(1);
    await expect.poll(async () => Number(await zone.getAttribute("data-in")), { timeout: 20_000 }).toBeGreaterThan(1);
    await expect(zone).toHaveAttribute("data-limit", "10240");
    await page.screenshot({ path: `${ARTIFACTS}/demo-traffic.png`, fullPage: true });

    await open(page, "/demo");
    await clickUntil(toggle, () => toggle.innerText(), "Start traffic");
    expect(errors).toEqual([]);
  } finally {
    if (eid) {
      try {
        api("contoso", "DeleteVpcEndpoint", { RegionId: "cn-hangzhou", EndpointId: eid });
      } catch {
        // already gone
      }
    }
  }
});
