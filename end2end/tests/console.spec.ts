import { test, expect, Page } from "@playwright/test";
import { ARTIFACTS, CONSUMER, PROVIDER, STRANGER, hydrated, signIn } from "./helpers";
import { api, connectedEndpoint, deleteEndpoint, unique } from "./pages";

// Each test makes what it looks at (unique names) and removes or restores it after, so the tests
// pass alone and in any order.

const ORDERS = "epsrv-bp1northwindorders01";
const ORDERS_NAME = `com.aliyuncs.privatelink.cn-hangzhou.${ORDERS}`;

/** The newest success toast. */
const successToast = (page: Page) => page.locator('#toasts [data-toast="success"]').last();

/** Clicks a row's Delete and confirms the "Are you sure?" step. */
async function confirmDelete(page: Page, row: ReturnType<Page["locator"]>) {
  await row.getByRole("button", { name: "Delete" }).click();
  await row.locator('[data-confirm="yes"]').click();
}

test("inventory: create each kind, a refused delete explains why, then deletes", async ({ page }) => {
  const n = unique("e2e");
  await signIn(page, STRANGER);
  await page.goto("/inventory");
  await hydrated(page);

  await page.fill("#vpc-name", `${n}-vpc`);
  await page.fill("#vpc-cidr", "10.50.0.0/16");
  await page.fill("#vpc-ipv6", "2408:4000:3000::/56");
  await page.click("#vpc-create");
  await expect(successToast(page)).toContainText("VPC vpc-");
  const vpcRow = page.locator("#vpcs tr[data-item]", { hasText: `${n}-vpc` });
  await expect(vpcRow).toHaveCount(1);
  const vpcId = (await vpcRow.getAttribute("data-item"))!;

  await page.selectOption("#vsw-vpc", vpcId);
  await page.selectOption("#vsw-zone", "cn-hangzhou-h");
  await page.fill("#vsw-name", `${n}-vsw`);
  await page.fill("#vsw-cidr", "10.50.1.0/24");
  await page.click("#vsw-create");
  await expect(page.locator("#vswitches")).toContainText(`${n}-vsw`);

  await page.selectOption("#sg-vpc", vpcId);
  await page.fill("#sg-name", `${n}-sg`);
  await page.click("#sg-create");
  await expect(page.locator("#security-groups")).toContainText(`${n}-sg`);

  await page.selectOption("#lb-type", "alb");
  await page.selectOption("#lb-vpc", vpcId);
  await page.locator('#lb-zones input[value="cn-hangzhou-h"]').check();
  await page.locator('#lb-zones input[value="cn-hangzhou-i"]').check();
  await page.fill("#lb-name", `${n}-alb`);
  await page.locator("#lb-dual-stack").check();
  await page.click("#lb-create");
  const lbRow = page.locator("#load-balancers tr[data-item]", { hasText: `${n}-alb` });
  await expect(lbRow).toContainText("Dual-stack");
  await page.screenshot({ path: `${ARTIFACTS}/inventory-created.png`, fullPage: true });

  // The VPC still holds the others: the delete is refused with a readable reason and its code.
  await confirmDelete(page, vpcRow);
  const refusal = vpcRow.locator("[data-refusal]");
  await expect(refusal).toContainText("still used by");
  await expect(refusal).toContainText("DependencyViolation.Vpc");
  await expect(page.locator("#toasts").getByRole("alert")).toContainText("DependencyViolation.Vpc");
  await page.screenshot({ path: `${ARTIFACTS}/inventory-refused-delete.png`, fullPage: true });

  // Cancel leaves the item alone.
  await lbRow.getByRole("button", { name: "Delete" }).click();
  await lbRow.getByRole("button", { name: "Cancel" }).click();
  await expect(lbRow).toHaveCount(1);

  for (const [table, name] of [
    ["#load-balancers", `${n}-alb`],
    ["#security-groups", `${n}-sg`],
    ["#vswitches", `${n}-vsw`],
    ["#vpcs", `${n}-vpc`],
  ]) {
    const row = page.locator(`${table} tr[data-item]`, { hasText: name });
    await confirmDelete(page, row);
    await expect(row).toHaveCount(0);
  }
  await expect(successToast(page)).toContainText("Deleted");
});

/** Contoso asks for one more endpoint to the orders service (it waits for Northwind). */
async function requestEndpoint(page: Page, name: string) {
  await page.fill("#endpoint-service", ORDERS_NAME);
  await page.fill("#endpoint-name", name);
  await page.selectOption("#endpoint-vpc", "vpc-bp1contoso0000000001");
  await page.locator('#endpoint-sgs input[value="sg-bp1contoso00000000001"]').check();
  await page.locator('#endpoint-zones input[value="cn-hangzhou-h@vsw-bp1contoso000000000h"]').check();
  await page.click("#create-endpoint-submit");
  await expect(successToast(page)).toContainText("waiting for the provider to accept");
  await expect(page.locator("#endpoints-table")).toContainText(name);
}

test("connections: two waiting requests are accepted at once from the queue", async ({ browser }) => {
  const batch = unique("batch");
  const [a, b] = [`${batch}-a`, `${batch}-b`];
  const made: string[] = [];
  try {
    const baseURL = process.env.LINKYARD_URL ?? "http://127.0.0.1:3000";
    const consumer = await (await browser.newContext({ baseURL })).newPage();
    await signIn(consumer, CONSUMER);
    await consumer.goto("/endpoints");
    await hydrated(consumer);
    await requestEndpoint(consumer, a);
    await requestEndpoint(consumer, b);

    // Filter and sort the endpoints list (on the server).
    await consumer.fill("[data-list-filter]", `${batch}-`);
    const listed = consumer.locator("#endpoints-table tbody tr");
    await expect(listed).toHaveCount(2);
    for (const row of await listed.all()) made.push((await row.locator("td[data-connection]").getAttribute("data-connection"))!);
    await expect(listed.first()).toContainText(a);
    await consumer.locator('#endpoints-table button[data-sort="name"]').click();
    await expect(listed.first()).toContainText(b);
    await expect(consumer.locator("[data-pager-range]")).toHaveText("1–2 of 2");
    await consumer.screenshot({ path: `${ARTIFACTS}/endpoints.png`, fullPage: true });

    const provider = await (await browser.newContext({ baseURL })).newPage();
    await signIn(provider, PROVIDER);
    await provider.goto(`/services/${ORDERS}?tab=connections`);
    await hydrated(provider);
    await expect(provider.getByRole("tab", { name: "Connections" })).toHaveAttribute("aria-selected", "true");
    const ours = provider.locator("#service-connections tr[data-endpoint]", { hasText: batch });
    const waiting = ours.filter({ has: provider.locator("[data-select]") });
    await expect(waiting).toHaveCount(2);
    await expect(waiting.first()).toContainText(CONSUMER.id);
    // The queue comes a page at a time, the newest connections first, with the service's total.
    await expect(provider.locator("#service-connections [data-pager-range]")).toHaveText(/^1–\d+ of \d+$/);
    await expect(provider.locator("#service-connections nav").getByRole("button", { name: "Previous" })).toBeDisabled();
    await expect(waiting.first()).toContainText("Allowed 100–");
    for (const id of made) await provider.locator(`#service-connections [data-select="${id}"]`).check();
    await expect(provider.locator("#selected-count")).toHaveText("2 selected");
    await provider.screenshot({ path: `${ARTIFACTS}/connections-batch.png`, fullPage: true });
    await provider.click("#accept-selected");
    await expect(successToast(provider)).toContainText("Decided 2 of 2 selected connections");
    await expect(ours.locator("[data-select]")).toHaveCount(0);
    await expect(ours).toHaveCount(2);
    for (const row of await ours.all()) await expect(row).toContainText("Connected", { timeout: 10_000 });

    // Disconnecting asks for the endpoint id to be typed.
    const last = provider.locator(`#service-connections tr[data-endpoint="${made[1]}"]`);
    await last.getByRole("button", { name: "Disconnect" }).click();
    const confirm = last.locator('[data-confirm="yes"]');
    await expect(confirm).toBeDisabled();
    await last.locator("[data-confirm-input]").fill(made[1]);
    await confirm.click();
    await expect(successToast(provider)).toContainText("Endpoint disconnected");
    await expect(last).toContainText("Disconnected", { timeout: 10_000 });
    await provider.screenshot({ path: `${ARTIFACTS}/connection-queue-after.png`, fullPage: true });
    await consumer.context().close();
    await provider.context().close();
  } finally {
    for (const id of made) deleteEndpoint(id);
  }
});

test("a toast follows an action, closes with its button and goes away by itself", async ({ page }) => {
  const before = api("northwind", "GetVpcEndpointServiceAttribute", { RegionId: "cn-hangzhou", ServiceId: ORDERS }).ServiceDescription;
  const description = unique("Orders API");
  try {
    await signIn(page, PROVIDER);
    await page.goto(`/services/${ORDERS}`);
    await hydrated(page);
    await page.click("#edit-settings");
    await page.fill("#settings-description", description);
    await page.click("#save-settings");
    const toast = page.locator("#toasts [data-toast]");
    await expect(toast).toHaveCount(1);
    await expect(successToast(page)).toHaveText(/Settings saved/);
    await expect(page.locator("#toasts")).toHaveAttribute("aria-live", "polite");
    await expect(page.locator("h1")).toContainText(description);
    await page.locator("#toasts [data-toast-close]").click();
    await expect(toast).toHaveCount(0);

    // An error ends in a toast with the readable sentence and the code.
    await page.click("#edit-settings");
    await page.fill("#settings-bandwidth", "5");
    await page.click("#save-settings");
    const failure = page.locator("#toasts").getByRole("alert");
    await expect(failure).toBeVisible();
    await expect(failure).toContainText("ConnectBandwidth");
    await page.screenshot({ path: `${ARTIFACTS}/toast-error.png` });
    await expect(page.locator("#toasts [data-toast]")).toHaveCount(0, { timeout: 9_000 });

    // Tags on the Overview tab.
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.fill("#tag-key", "team");
    await page.fill("#tag-value", "orders");
    await page.click("#tag-add");
    await expect(page.locator('#tags [data-tag="team"]')).toContainText("orders");
    await page.getByRole("button", { name: "Remove tag team" }).click();
    await expect(page.locator('#tags [data-tag="team"]')).toHaveCount(0);
  } finally {
    api("northwind", "UpdateVpcEndpointServiceAttribute", { RegionId: "cn-hangzhou", ServiceId: ORDERS, ServiceDescription: before });
  }
});

test("tabs: reachable and switched by keyboard, the choice kept in the URL", async ({ page }) => {
  await signIn(page, PROVIDER);
  await page.goto(`/services/${ORDERS}`);
  await hydrated(page);
  await page.getByRole("link", { name: "← Endpoint services" }).focus();
  await page.keyboard.press("Tab");
  const overview = page.getByRole("tab", { name: "Overview" });
  await expect(overview).toBeFocused();
  await expect(overview).toHaveAttribute("aria-selected", "true");

  await page.keyboard.press("ArrowRight");
  const resources = page.getByRole("tab", { name: "Resources" });
  await expect(resources).toBeFocused();
  await expect(resources).toHaveAttribute("aria-selected", "true");
  await expect(page).toHaveURL(/\?tab=resources$/);
  await expect(page.locator("#service-resources")).toBeVisible();
  await expect(page.locator("#service-overview")).toBeHidden();

  await page.keyboard.press("End");
  await expect(page.getByRole("tab", { name: "Events" })).toBeFocused();
  await expect(page).toHaveURL(/\?tab=events$/);
  await expect(page.locator("#panel-events")).toContainText("CreateVpcEndpointService");
  await page.keyboard.press("ArrowRight");
  await expect(overview).toBeFocused();
  await expect(page).toHaveURL(/\?tab=overview$/);

  // A link straight to a tab opens it.
  await page.goto(`/services/${ORDERS}?tab=whitelist`);
  await hydrated(page);
  await expect(page.getByRole("tab", { name: "Whitelist" })).toHaveAttribute("aria-selected", "true");
  await expect(page.locator("#service-whitelist")).toBeVisible();
  await expect(page.locator(`#service-whitelist tr[data-whitelisted="${CONSUMER.id}"]`)).toHaveCount(1);
});

test("whitelist: add with a label, remove after confirming", async ({ page }) => {
  await signIn(page, PROVIDER);
  await page.goto(`/services/${ORDERS}?tab=whitelist`);
  await hydrated(page);
  await page.fill("#whitelist-subject", STRANGER.id);
  await page.fill("#whitelist-label", "Fabrikam trial");
  await page.click("#whitelist-add");
  await expect(successToast(page)).toContainText(`Account ${STRANGER.id} added to the whitelist`);
  const row = page.locator(`#service-whitelist tr[data-whitelisted="${STRANGER.id}"]`);
  await expect(row).toContainText("Fabrikam trial");
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(row).toContainText("Existing connections stay.");
  await row.locator('[data-confirm="yes"]').click();
  await expect(row).toHaveCount(0);
});

test("screenshots of every main page, light and dark", async ({ page }) => {
  const name = unique("screenshots");
  const eid = await connectedEndpoint(name);
  try {
    await signIn(page, PROVIDER);
    await signIn(page, CONSUMER, true);
    await page.locator("#account-switcher").selectOption(PROVIDER.id);
    await expect(page.locator('[data-count="Load balancers"]')).toHaveText("5");
    const shots: [string, string][] = [
      ["/", "page-overview"],
      ["/services", "page-services"],
      ...["overview", "resources", "whitelist", "connections", "events"].map(
        (t): [string, string] => [`/services/${ORDERS}?tab=${t}`, `page-service-${t}`],
      ),
      ["/inventory", "page-inventory"],
      ["/activity", "page-activity"],
      ["/demo", "page-demo"],
    ];
    for (const [url, name] of shots) {
      await page.goto(url);
      await hydrated(page);
      await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
    }
    await page.locator("#account-switcher").selectOption(CONSUMER.id);
    await page.goto("/endpoints");
    await hydrated(page);
    await page.screenshot({ path: `${ARTIFACTS}/page-endpoints.png`, fullPage: true });
    await page.fill("[data-list-filter]", name);
    await page.locator("#endpoints-table a", { hasText: name }).click();
    await expect(page.locator("#endpoint-domain")).toBeVisible();
    const endpointUrl = page.url();
    expect(endpointUrl).toContain(`/endpoints/${eid}`);
    for (const t of ["overview", "zones", "security-groups", "policy", "events"]) {
      await page.goto(`${endpointUrl}?tab=${t}`);
      await hydrated(page);
      await expect(page.getByRole("tab", { selected: true })).toHaveAttribute("id", `tab-${t}`);
      await page.screenshot({ path: `${ARTIFACTS}/page-endpoint-${t}.png`, fullPage: true });
    }
    await page.click("#theme-toggle");
    await expect(page.locator("html")).toHaveClass(/dark/);
    await page.goto(`/services`);
    await hydrated(page);
    await page.screenshot({ path: `${ARTIFACTS}/page-services-dark.png`, fullPage: true });
    await page.goto(`${endpointUrl}?tab=overview`);
    await hydrated(page);
    await page.screenshot({ path: `${ARTIFACTS}/page-endpoint-dark.png`, fullPage: true });
    await page.click("#theme-toggle");
    await page.goto("/endpoints");
  } finally {
    deleteEndpoint(eid);
  }
});

test("gateway endpoints: create one for OSS, change a route table, delete it", async ({ page }) => {
  const name = unique("oss-access");
  await signIn(page, CONSUMER);
  await page.goto("/gateway-endpoints");
  await hydrated(page);
  await expect(page.locator("#gateway-service")).toHaveText("com.aliyun.cn-hangzhou.oss");
  await page.selectOption("#gateway-vpc", "vpc-bp1contoso0000000001");
  const table = page.locator('#gateway-route-tables input[type="checkbox"]').first();
  await table.check();
  await page.fill("#gateway-name", name);
  await page.click("#gateway-create");
  await expect(successToast(page)).toContainText("Gateway endpoint");
  const row = page.locator("#gateway-endpoints-table tr[data-gateway]", { hasText: name });
  await expect(row).toContainText("Available", { timeout: 10_000 });
  await page.screenshot({ path: `${ARTIFACTS}/page-gateway-endpoints.png`, fullPage: true });

  await row.getByRole("link", { name }).click();
  await expect(page.locator("#gateway-prefix")).toContainText("100.118.");
  const associated = page.locator("#gateway-route-table-list tr[data-route-table]").first();
  await expect(associated).toContainText("Yes");
  await associated.getByRole("button", { name: "Dissociate" }).click();
  await expect(successToast(page)).toContainText("Route table association changed");
  await expect(associated).toContainText("No");
  await page.screenshot({ path: `${ARTIFACTS}/page-gateway-endpoint.png`, fullPage: true });

  await page.getByRole("button", { name: "Delete gateway endpoint" }).click();
  await page.locator('#delete-gateway [data-confirm="yes"]').click();
  await expect(page).toHaveURL(/\/gateway-endpoints$/);
  await expect(page.locator("#gateway-endpoints-table tr[data-gateway]", { hasText: name })).toHaveCount(0, { timeout: 10_000 });
});

test("bandwidth: the consumer asks for more per zone, the operator grants it", async ({ page }) => {
  const name = unique("bandwidth");
  const reason = unique("Peak season");
  const eid = await connectedEndpoint(name);
  try {
    await signIn(page, CONSUMER);
    await page.goto("/endpoints");
    await hydrated(page);
    await page.fill("[data-list-filter]", name);
    await page.locator("#endpoints-table a", { hasText: name }).click();
    await expect(page).toHaveURL(new RegExp(`/endpoints/${eid}`));
    await page.getByRole("tab", { name: "Bandwidth" }).click();
    await expect(page).toHaveURL(/\?tab=bandwidth$/);
    await page.fill("#bandwidth-request-mbps", "60000");
    await page.fill("#bandwidth-request-reason", reason);
    await page.click("#bandwidth-request-submit");
    await expect(successToast(page)).toContainText("Asked for 60000 Mbit/s per zone");
    const request = page.locator("#bandwidth-request-list tr[data-request]", { hasText: reason });
    await expect(request).toContainText("Waiting for operator");
    const endpointUrl = page.url();

    await page.goto("/demo");
    await hydrated(page);
    const desk = page.locator("#operator-bandwidth tr[data-request]", { hasText: reason });
    await page.screenshot({ path: `${ARTIFACTS}/page-demo-operator.png`, fullPage: true });
    await desk.locator('button[data-action="grant"]').click();
    await expect(successToast(page)).toContainText("Bandwidth request decided");
    await expect(desk).toHaveCount(0);

    await page.goto(endpointUrl);
    await hydrated(page);
    await expect(page.locator("#bandwidth-request-list tr[data-request]", { hasText: reason })).toContainText("Granted");
    await page.screenshot({ path: `${ARTIFACTS}/page-endpoint-bandwidth.png`, fullPage: true });
    await page.goto("/endpoints");
  } finally {
    deleteEndpoint(eid);
  }
});
