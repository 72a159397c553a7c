import { test, expect, Page } from "@playwright/test";
import { CONSUMER, PROVIDER, ARTIFACTS, hydrated, signIn } from "./helpers";
import { BASE, ORDERS, api, watchErrors } from "./pages";

// A consumer finds a service under "Available services" (sidebar), searches, creates an endpoint
// from the row without a page reload, and the connection reads the same to both sides while it
// waits for the provider. Any browser console error fails the test. Cleans up what it creates.

const ORDERS_NAME = `com.aliyuncs.privatelink.cn-hangzhou.${ORDERS}`;

test("a consumer creates an endpoint from Available services; both sides read the same status", async ({ page, browser }) => {
  const errors = watchErrors(page);
  let loads = 0;
  page.on("load", () => loads++);
  const name = `from-catalogue-${Date.now()}`;
  let eid = "";
  let provider: Page | undefined;
  try {
    // Sign in on the sign-in page, as a person does.
    await page.goto("/signin");
    await hydrated(page);
    await page.fill("#account_id", CONSUMER.id);
    await page.fill("#password", CONSUMER.password);
    await page.click("#sign-in");
    await expect(page.locator("#account-switcher")).toBeVisible();

    // Sidebar → Available services: Northwind's service (whitelisted) and Alibaba Cloud's.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Available services" }).click();
    await expect(page).toHaveURL(/\/available-services$/);
    const table = page.locator("#catalogue-table");
    await expect(table.locator(`tr[data-service="${ORDERS}"]`)).toContainText("Northwind Data");
    await expect(table).toContainText("Alibaba Cloud");

    // Search narrows on the server; a search without matches says so and offers to clear it.
    await page.fill("#catalogue-search", "no such service");
    await expect(page.locator("#catalogue-empty")).toContainText("matches");
    await page.click("#catalogue-clear");
    await expect(table).toContainText("Alibaba Cloud");
    await page.fill("#catalogue-search", "northwind data");
    await expect(table).not.toContainText("Alibaba Cloud");
    const row = table.locator(`tr[data-service="${ORDERS}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText("NLB");
    await expect(row).toContainText("Provider accepts");
    await expect(row).toContainText("cn-hangzhou-h, cn-hangzhou-i");
    await page.screenshot({ path: `${ARTIFACTS}/available-services.png`, fullPage: true });

    // "Create endpoint" opens the create form with the service chosen.
    await row.locator(`a[data-create="${ORDERS}"]`).click();
    await expect(page).toHaveURL(/\/endpoints\?service=/);
    await expect(page.locator("#endpoint-service")).toHaveValue(ORDERS_NAME);
    await expect(page.locator("#endpoint-service-pick")).toHaveValue(ORDERS_NAME);
    await expect(page.locator("#endpoint-type")).toHaveValue("Interface");
    await page.fill("#endpoint-name", name);
    await page.selectOption("#endpoint-vpc", "vpc-bp1contoso0000000001");
    await page.locator('#endpoint-sgs input[value="sg-bp1contoso00000000001"]').check();
    await page.locator('#endpoint-zones input[value="cn-hangzhou-h@vsw-bp1contoso000000000h"]').check();
    await page.screenshot({ path: `${ARTIFACTS}/create-from-catalogue.png`, fullPage: true });
    await page.click("#create-endpoint-submit");
    const created = page.locator("#endpoints-table tr", { hasText: name });
    await expect(created).toHaveCount(1);
    eid = (await created.locator("td[data-connection]").getAttribute("data-connection"))!;
    const consumerBadge = page.locator(`td[data-connection="${eid}"] [data-status]`);
    await expect(consumerBadge).toHaveText(/Pending acceptance/);
    await expect(consumerBadge).toHaveAttribute("data-status", "Disconnected");

    // The provider sees the same word for the same state.
    const context = await browser.newContext({ baseURL: BASE });
    provider = await context.newPage();
    const providerErrors = watchErrors(provider);
    await signIn(provider, PROVIDER);
    await provider.goto(`/services/${ORDERS}?tab=connections`);
    await hydrated(provider);
    const providerBadge = provider.locator(`#service-connections tr[data-endpoint="${eid}"] [data-status]`).first();
    await expect(providerBadge).toHaveText(/Pending acceptance/);
    expect((await providerBadge.innerText()).trim()).toBe((await consumerBadge.innerText()).trim());
    expect(providerErrors).toEqual([]);

    expect(loads, "the browser reloaded the page").toBe(1);
    expect(errors).toEqual([]);
  } finally {
    if (eid) {
      api("contoso", "DeleteVpcEndpoint", { RegionId: "cn-hangzhou", EndpointId: eid });
      await expect(page.locator(`td[data-connection="${eid}"]`)).toHaveCount(0, { timeout: 10_000 });
    }
    await provider?.context().close();
  }
});
