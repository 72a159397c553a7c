import { test, expect, Browser } from "@playwright/test";
import { ARTIFACTS, CONSUMER, PROVIDER, STRANGER, hydrated, signIn } from "./helpers";

const ORDERS = "epsrv-bp1northwindorders01";
const ORDERS_NAME = `com.aliyuncs.privatelink.cn-hangzhou.${ORDERS}`;

async function signedInPage(browser: Browser, who: { id: string; password: string }) {
  const context = await browser.newContext({ baseURL: process.env.LINKYARD_URL ?? "http://127.0.0.1:3000" });
  const page = await context.newPage();
  await signIn(page, who);
  return page;
}

test("consumer requests, provider accepts live, consumer sees Connected", async ({ browser }) => {
  const provider = await signedInPage(browser, PROVIDER);
  await provider.goto(`/services/${ORDERS}`);
  await hydrated(provider);
  await expect(provider.locator("#service-name")).toHaveText(ORDERS_NAME);
  await provider.screenshot({ path: `${ARTIFACTS}/service-detail.png`, fullPage: true });
  await provider.getByRole("tab", { name: "Connections" }).click();
  await expect(provider).toHaveURL(/\?tab=connections$/);
  await expect(provider.locator("#service-connections")).toContainText("No endpoint connections yet");

  const consumer = await signedInPage(browser, CONSUMER);
  await consumer.goto("/endpoints");
  await hydrated(consumer);
  await consumer.fill("#endpoint-service", ORDERS_NAME);
  await consumer.fill("#endpoint-name", "orders");
  await consumer.selectOption("#endpoint-vpc", "vpc-bp1contoso0000000001");
  await consumer.locator('#endpoint-sgs input[value="sg-bp1contoso00000000001"]').check();
  await consumer.locator('#endpoint-zones input[value="cn-hangzhou-h@vsw-bp1contoso000000000h"]').check();
  await consumer.locator('#endpoint-zones input[value="cn-hangzhou-i@vsw-bp1contoso000000000i"]').check();
  await consumer.screenshot({ path: `${ARTIFACTS}/endpoint-create.png`, fullPage: true });
  const requested = Date.now();
  await consumer.click("#create-endpoint-submit");
  await expect(consumer.locator('#toasts [data-toast="success"]')).toContainText("waiting for the provider to accept");

  // The provider's open page shows the request without a reload.
  const row = provider.locator("#service-connections tr[data-endpoint]");
  await expect(row).toHaveCount(1, { timeout: 5_000 });
  console.log(`live update reached the provider after ${Date.now() - requested} ms`);
  await expect(row).toContainText(CONSUMER.id);
  await expect(provider.locator("#pending-badge")).toHaveText("1 waiting");
  await provider.screenshot({ path: `${ARTIFACTS}/connection-queue.png`, fullPage: true });
  await row.locator('input[aria-label="Bandwidth in Mbit/s"]').fill("2048");
  // A live refresh updates the row in place, so the click lands even while the endpoint's own
  // transition arrives.
  await row.locator('button[data-action="accept"]').click();
  await expect(row).toContainText("Connected", { timeout: 10_000 });

  // The consumer's endpoint page follows live too.
  await consumer.goto("/endpoints");
  await hydrated(consumer);
  await consumer.locator("#endpoints-table a").first().click();
  await expect(consumer.locator("#endpoint-connection")).toContainText("Connected", { timeout: 10_000 });
  await expect(consumer.locator("#endpoint-domain")).toContainText(`.${ORDERS}.cn-hangzhou.privatelink.aliyuncs.com`);
  await expect(consumer.locator("#dns-answer")).toContainText("172.16.");
  await consumer.screenshot({ path: `${ARTIFACTS}/endpoint-detail.png`, fullPage: true });
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
  const provider = await signedInPage(browser, PROVIDER);
  await provider.goto("/services");
  await hydrated(provider);
  await provider.locator('input[name="lb_type"][value="alb"]').check();
  await provider.locator('#resource-choices input[value="alb-bp1northwind0000001@cn-hangzhou-h"]').check();
  await provider.fill("#service-description", "Web frontends");
  await provider.click("#publish");
  await expect(provider.locator('#toasts [data-toast="success"]')).toContainText("Service published: epsrv-");
  await expect(provider.locator("#services-table")).toContainText("Web frontends");
  await expect(provider.locator("#services-table")).toContainText("Available", { timeout: 10_000 });
  await provider.screenshot({ path: `${ARTIFACTS}/services.png`, fullPage: true });
});
