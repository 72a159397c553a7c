import { test, expect } from "@playwright/test";
import { ARTIFACTS, CONSUMER, PROVIDER, STRANGER, hydrated, signIn } from "./helpers";
import { clickUntil, connectedEndpoint, deleteEndpoint, unique } from "./pages";

// Each test makes the Connected endpoint it looks at (Contoso's, to Northwind's orders service,
// through the cloud API) and deletes it after; what the Demo page changes it changes back.

test("demo: the tour follows progress, a zone outage leaves DNS, an overdue payment drops the connection", async ({ page }) => {
  // Through the API, Contoso creates (tour step 3) and Northwind accepts (step 4) the connection.
  const eid = await connectedEndpoint(unique("tour"), ["h", "i"]);
  try {
    // The bundled scenario names no operator: zone outages need every scenario account signed in.
    await signIn(page, PROVIDER);
    await page.goto("/demo");
    await hydrated(page);
    await expect(page.locator("#demo-access")).toContainText(STRANGER.id);
    await signIn(page, STRANGER, true);
    await signIn(page, CONSUMER, true);
    await page.goto("/demo");
    await hydrated(page);
    await expect(page.locator("#demo-access")).toHaveCount(0);
    // The tour speaks of the scenario's own cast (picked from its data: provider, whitelisted consumer).
    await expect(page.locator('#tour li[data-step="0"]')).toContainText(`As ${PROVIDER.name}, publish`);
    await expect(page.locator('#tour li[data-step="1"]')).toContainText(`${CONSUMER.name}'s account id ${CONSUMER.id}`);
    await expect(page.locator('#tour li[data-step="2"]')).toHaveAttribute("data-done", "true");
    await expect(page.locator('#tour li[data-step="3"]')).toHaveAttribute("data-done", "true");
    await expect(page.locator('#tour li[data-step="5"]')).toHaveAttribute("data-done", "true");
    // The last step opens the newest connected endpoint: the one just made.
    await expect(page.locator('#tour li[data-step="5"] a')).toHaveAttribute("href", `/endpoints/${eid}`);
    await page.screenshot({ path: `${ARTIFACTS}/demo.png`, fullPage: true });

    // Zone outage: the zone's address leaves the endpoint domain's answer, then comes back.
    await page.locator('#tour li[data-step="5"] a').click();
    // A client-side navigation: the URL changes once the endpoint page's chunk has loaded.
    await page.waitForURL(/\/endpoints\/ep-/);
    const endpointUrl = page.url();
    await expect(page.locator("#dns-answer")).not.toContainText("withheld");
    await page.goto("/demo");
    await hydrated(page);
    const zone = page.locator('#faults button[data-zone="cn-hangzhou-i"]');
    const zoneDown = () => zone.getAttribute("data-down");
    await clickUntil(zone, zoneDown, "true");
    await page.goto(endpointUrl);
    await hydrated(page);
    await expect(page.locator("#dns-answer")).toContainText("withheld, unhealthy: cn-hangzhou-i");
    await page.screenshot({ path: `${ARTIFACTS}/zone-outage.png`, fullPage: true });
    await page.goto("/demo");
    await hydrated(page);
    await clickUntil(zone, zoneDown, "false");
    await page.goto(endpointUrl);
    await hydrated(page);
    await expect(page.locator("#dns-answer")).not.toContainText("withheld");

    // Overdue payment: Contoso's connection drops, and comes back once paid.
    await page.goto("/demo");
    await hydrated(page);
    const contoso = page.locator(`#faults tr[data-account="${CONSUMER.id}"]`);
    const payment = async () => ((await contoso.innerText()).includes("Overdue payment") ? "overdue" : "paid");
    await clickUntil(contoso.locator("button"), payment, "overdue");
    await page.goto(endpointUrl);
    await hydrated(page);
    await expect(page.locator("#endpoint-connection")).toContainText("Disconnected", { timeout: 10_000 });
    await page.goto("/demo");
    await hydrated(page);
    await clickUntil(contoso.locator("button"), payment, "paid");
    await expect(contoso).toContainText("Normal");
    await page.goto(endpointUrl);
    await hydrated(page);
    await expect(page.locator("#endpoint-connection")).toContainText("Connected", { timeout: 10_000 });
  } finally {
    // Put back what the Demo page changed, should a step above have failed half-way.
    await page.goto("/demo");
    await hydrated(page);
    const zone = page.locator('#faults button[data-zone="cn-hangzhou-i"]');
    await clickUntil(zone, () => zone.getAttribute("data-down"), "false");
    const contoso = page.locator(`#faults tr[data-account="${CONSUMER.id}"]`);
    const payment = async () => ((await contoso.innerText()).includes("Overdue payment") ? "overdue" : "paid");
    await clickUntil(contoso.locator("button"), payment, "paid");
    await page.goto("/demo");
    deleteEndpoint(eid);
  }
});

test("activity: filters and CSV export", async ({ page }) => {
  const eid = await connectedEndpoint(unique("activity"));
  try {
    await signIn(page, PROVIDER);
    await page.goto("/activity");
    await hydrated(page);
    await expect(page.locator("#activity-log")).toContainText("CreateVpcEndpoint");
    await page.fill("#filter-action", "EnableVpcEndpointConnection");
    await page.locator("#filter-action").press("Enter");
    await page.locator("#filter-action").blur();
    const rows = page.locator("#activity-log tbody tr");
    await expect(rows.first()).toContainText("EnableVpcEndpointConnection");
    for (const text of await rows.allTextContents()) expect(text).toContain("EnableVpcEndpointConnection");
    // Words a person reads first, the API action name second; ids stay on one line.
    await expect(rows.first().locator("[data-headline]")).toHaveText(`Accepted connection ${eid} at 1024 Mbit/s`);
    const id = rows.first().locator("td").nth(3).locator("span[title]");
    const box = await id.boundingBox();
    expect(box && box.height).toBeLessThan(24);
    await page.screenshot({ path: `${ARTIFACTS}/activity.png`, fullPage: true });
    const csv = await page.request.get("/activity.csv?action=EnableVpcEndpointConnection");
    expect(csv.status()).toBe(200);
    const body = await csv.text();
    expect(body.split("\n")[0]).toBe("time,actor,source,action,target,region,summary,request_id");
    expect(body).toContain(",EnableVpcEndpointConnection,");
  } finally {
    deleteEndpoint(eid);
  }
});
