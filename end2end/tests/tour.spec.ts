import { test, expect } from "@playwright/test";
import { ARTIFACTS, CONSUMER, PROVIDER, STRANGER, hydrated, signIn } from "./helpers";

// Runs after flows.spec.ts (files run in name order, one worker): Contoso then has a Connected
// endpoint to Northwind's orders service with zones cn-hangzhou-h and cn-hangzhou-i.

test("demo: the tour follows progress, a zone outage leaves DNS, an overdue payment drops the connection", async ({ page }) => {
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
  await page.screenshot({ path: `${ARTIFACTS}/demo.png`, fullPage: true });

  // Zone outage: the zone's address leaves the endpoint domain's answer, then comes back.
  await page.locator('#tour li[data-step="5"] a').click();
  await hydrated(page);
  const endpointUrl = page.url();
  await expect(page.locator("#dns-answer")).not.toContainText("withheld");
  await page.goto("/demo");
  await hydrated(page);
  await page.locator('#faults button[data-zone="cn-hangzhou-i"]').click();
  await expect(page.locator('#faults button[data-zone="cn-hangzhou-i"]')).toHaveAttribute("data-down", "true");
  await page.goto(endpointUrl);
  await hydrated(page);
  await expect(page.locator("#dns-answer")).toContainText("withheld, unhealthy: cn-hangzhou-i");
  await page.screenshot({ path: `${ARTIFACTS}/zone-outage.png`, fullPage: true });
  await page.goto("/demo");
  await hydrated(page);
  await page.locator('#faults button[data-zone="cn-hangzhou-i"]').click();
  await expect(page.locator('#faults button[data-zone="cn-hangzhou-i"]')).toHaveAttribute("data-down", "false");
  await page.goto(endpointUrl);
  await hydrated(page);
  await expect(page.locator("#dns-answer")).not.toContainText("withheld");

  // Overdue payment: Contoso's connection drops, and comes back once paid.
  await page.goto("/demo");
  await hydrated(page);
  await page.locator(`#faults tr[data-account="${CONSUMER.id}"] button`).click();
  await expect(page.locator(`#faults tr[data-account="${CONSUMER.id}"]`)).toContainText("Overdue payment");
  await page.goto(endpointUrl);
  await hydrated(page);
  await expect(page.locator("#endpoint-connection")).toContainText("Disconnected", { timeout: 10_000 });
  await page.goto("/demo");
  await hydrated(page);
  await page.locator(`#faults tr[data-account="${CONSUMER.id}"] button`).click();
  await expect(page.locator(`#faults tr[data-account="${CONSUMER.id}"]`)).toContainText("Normal");
  await page.goto(endpointUrl);
  await hydrated(page);
  await expect(page.locator("#endpoint-connection")).toContainText("Connected", { timeout: 10_000 });
});

test("activity: filters and CSV export", async ({ page }) => {
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
  await expect(rows.first().locator("[data-headline]")).toHaveText(/^Accepted connection ep-\S+ at \d+ Mbit\/s$/);
  const id = rows.first().locator("td").nth(3).locator("span[title]");
  const box = await id.boundingBox();
  expect(box && box.height).toBeLessThan(24);
  await page.screenshot({ path: `${ARTIFACTS}/activity.png`, fullPage: true });
  const csv = await page.request.get("/activity.csv?action=EnableVpcEndpointConnection");
  expect(csv.status()).toBe(200);
  const body = await csv.text();
  expect(body.split("\n")[0]).toBe("time,actor,source,action,target,region,summary,request_id");
  expect(body).toContain(",EnableVpcEndpointConnection,");
});
