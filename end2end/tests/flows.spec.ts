import { test, expect, Browser } from "@playwright/test";
import { ARTIFACTS, CONSUMER, PROVIDER, STRANGER, hydrated, signIn } from "./helpers";
import { api, deleteEndpoint, unique, waitingCount } from "./pages";

// Each test makes what it looks at (unique names) and removes it: any order, alone or together.

const ORDERS = "epsrv-bp1northwindorders01";
const ORDERS_NAME = `com.aliyuncs.privatelink.cn-hangzhou.${ORDERS}`;

async function signedInPage(browser: Browser, who: { id: string; password: string }) {
  const context = await browser.newContext({ baseURL: process.env.LINKYARD_URL ?? "http://127.0.0.1:3000" });
  const page = await context.newPage();
  await signIn(page, who);
  return page;
}

test("consumer requests, provider accepts live, consumer sees Connected", async ({ browser }) => {
  const name = unique("orders");
  let eid = "";
  try {
    const provider = await signedInPage(browser, PROVIDER);
    await provider.goto(`/services/${ORDERS}`);
    await hydrated(provider);
    await expect(provider.getByText("Loading…")).toHaveCount(0);
    await expect(provider.locator("#service-name")).toHaveText(ORDERS_NAME);
    await provider.screenshot({ path: `${ARTIFACTS}/service-detail.png`, fullPage: true });
    await provider.getByRole("tab", { name: "Connections" }).click();
    await expect(provider).toHaveURL(/\?tab=connections$/);
    const waitingBefore = await waitingCount(provider);

    const consumer = await signedInPage(browser, CONSUMER);
    await consumer.goto("/endpoints");
    await hydrated(consumer);
    await consumer.fill("#endpoint-service", ORDERS_NAME);
    await consumer.fill("#endpoint-name", name);
    await consumer.selectOption("#endpoint-vpc", "vpc-bp1contoso0000000001");
    await consumer.locator('#endpoint-sgs input[value="sg-bp1contoso00000000001"]').check();
    await consumer.locator('#endpoint-zones input[value="cn-hangzhou-h@vsw-bp1contoso000000000h"]').check();
    await consumer.locator('#endpoint-zones input[value="cn-hangzhou-i@vsw-bp1contoso000000000i"]').check();
    await consumer.screenshot({ path: `${ARTIFACTS}/endpoint-create.png`, fullPage: true });
    const requested = Date.now();
    await consumer.click("#create-endpoint-submit");
    await expect(consumer.locator('#toasts [data-toast="success"]')).toContainText("waiting for the provider to accept");

    // The provider's open page shows the request without a reload.
    const row = provider.locator("#service-connections tr[data-endpoint]", { hasText: name });
    await expect(row).toHaveCount(1, { timeout: 5_000 });
    console.log(`live update reached the provider after ${Date.now() - requested} ms`);
    eid = (await row.getAttribute("data-endpoint"))!;
    await expect(row).toContainText(CONSUMER.id);
    await expect(provider.locator("#pending-badge")).toHaveText(`${waitingBefore + 1} waiting`);
    await provider.screenshot({ path: `${ARTIFACTS}/connection-queue.png`, fullPage: true });
    await row.locator('input[aria-label="Bandwidth in Mbit/s"]').fill("2048");
    // A live refresh updates the row in place, so the click lands even while the endpoint's own
    // transition arrives.
    await row.locator('button[data-action="accept"]').click();
    await expect(row).toContainText("Connected", { timeout: 10_000 });

    // The consumer's endpoint page follows live too.
    await consumer.goto("/endpoints");
    await hydrated(consumer);
    await consumer.fill("[data-list-filter]", name);
    await consumer.locator("#endpoints-table a", { hasText: name }).click();
    await expect(consumer).toHaveURL(new RegExp(`/endpoints/${eid}`));
    await expect(consumer.locator("#endpoint-connection")).toContainText("Connected", { timeout: 10_000 });
    await expect(consumer.locator("#endpoint-domain")).toContainText(`.${ORDERS}.cn-hangzhou.privatelink.aliyuncs.com`);
    await expect(consumer.locator("#dns-answer")).toContainText("172.16.");
    await consumer.screenshot({ path: `${ARTIFACTS}/endpoint-detail.png`, fullPage: true });
    await consumer.goto("/endpoints");
  } finally {
    if (eid) deleteEndpoint(eid);
  }
});

test("a consumer that is not whitelisted gets a clear explanation", async ({ browser }) => {
  const stranger = await signedInPage(browser, STRANGER);
  await stranger.goto("/endpoints");
  await hydrated(stranger);
  await stranger.fill("#endpoint-service", ORDERS_NAME);
  await stranger.selectOption("#endpoint-vpc", "vpc-bp1fabrikam000000001");
  await stranger.locator('#endpoint-sgs input[type="checkbox"]').first().check();
  await stranger.click("#create-endpoint-submit");
  const alert = stranger.locator("#toasts").getByRole("alert");
  await expect(alert).toContainText("has not added your account to the service whitelist");
  await expect(alert).toContainText("EndpointServiceNotAuthorized");
});

test("provider publishes a service from its load balancers", async ({ browser }) => {
  const description = unique("Web frontends");
  let serviceId = "";
  try {
    const provider = await signedInPage(browser, PROVIDER);
    await provider.goto("/services");
    await hydrated(provider);
    await provider.locator('input[name="lb_type"][value="alb"]').check();
    await provider.locator('#resource-choices input[value="alb-bp1northwind0000001@cn-hangzhou-h"]').check();
    await provider.fill("#service-description", description);
    await provider.click("#publish");
    const toast = provider.locator('#toasts [data-toast="success"]');
    await expect(toast).toContainText("Service published: epsrv-");
    serviceId = /epsrv-[a-z0-9]+/.exec(await toast.innerText())![0];
    await provider.fill("[data-list-filter]", description);
    const row = provider.locator("#services-table tbody tr", { hasText: description });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(serviceId);
    await expect(row).toContainText("Available", { timeout: 10_000 });
    await provider.screenshot({ path: `${ARTIFACTS}/services.png`, fullPage: true });
  } finally {
    if (serviceId) {
      // Deletable once Available (a moment after publishing).
      await expect.poll(() => {
        try {
          api("northwind", "DeleteVpcEndpointService", { RegionId: "cn-hangzhou", ServiceId: serviceId });
          return true;
        } catch {
          return false;
        }
      }, { timeout: 10_000 }).toBe(true);
    }
  }
});
