import { test, expect, Page } from "@playwright/test";
import { CONSUMER, PROVIDER, STRANGER, hydrated, signIn } from "../tests/helpers";
import { ORDERS, api, signInByHand, watchErrors } from "../tests/pages";

// Every page and tab, for provider and consumer, while objects sit in each transitional state
// (services Creating/Deleting; endpoints Creating/Pending/Deleting; connections Connecting,
// Disconnecting, Modifying, Deleting; zones Creating/Disconnecting/Deleting): no console error,
// no hydration warning, no panic, no HTTP error. Runs on a server of its own (scripts/test.sh):
// the setup makes transitions instant, then slows them to ten minutes on the Demo page.

const SLOW_MS = 600_000;
const REGION = "cn-hangzhou";
const SHOP_VPC = "vpc-bp1contoso0000000001";
const SG = "sg-bp1contoso00000000001";
const SG2 = "sg-bp1contoso00000000002";
const ZONE_H = { ZoneId: "cn-hangzhou-h", VSwitchId: "vsw-bp1contoso000000000h" };
const ZONE_I = { ZoneId: "cn-hangzhou-i", VSwitchId: "vsw-bp1contoso000000000i" };
const SERVICE_TABS = ["overview", "resources", "whitelist", "connections", "events"];
const ENDPOINT_TABS = ["overview", "zones", "bandwidth", "security-groups", "policy", "events"];

/** Ids of what the setup made, by the state each one sits in. */
interface World {
  serviceCreating: string;
  serviceDeleting: string;
  endpoints: Record<string, string>;
  deleted: string;
}

function endpoint(name: string, zones = [ZONE_H]): string {
  return api("contoso", "CreateVpcEndpoint", {
    RegionId: REGION, ServiceId: ORDERS, VpcId: SHOP_VPC, EndpointName: name, SecurityGroupId: [SG], Zone: zones,
  }).EndpointId;
}

function accept(id: string) {
  api("northwind", "EnableVpcEndpointConnection", { RegionId: REGION, ServiceId: ORDERS, EndpointId: id });
}

/** Publishes a service from one zone of one of Northwind's load balancers. */
function publish(description: string, type: string, lb: string, zone: string): string {
  return api("northwind", "CreateVpcEndpointService", {
    RegionId: REGION, ServiceResourceType: type, ServiceDescription: description, AutoAcceptEnabled: false,
    Resource: [{ ResourceType: type, ResourceId: lb, ZoneId: zone }],
  }).ServiceId;
}

/** Sets how long transitions take, on the Demo page (every account of the scenario is signed in). */
async function setDelay(page: Page, ms: number) {
  await page.getByRole("link", { name: "Demo", exact: true }).click();
  await page.fill("#transition-delay", String(ms));
  await page.click("#set-transition-delay");
  await expect(page.locator('#toasts [data-toast="success"]').last()).toContainText(`Transitions now take ${ms} ms`);
}

/** Makes the top bar's account switcher pick `who` and waits until the console follows. */
async function switchTo(page: Page, who: { id: string; name: string }) {
  await page.selectOption("#account-switcher", who.id);
  await expect(page.locator("#account-switcher")).toHaveValue(who.id);
  await expect(page.getByText("Loading…")).toHaveCount(0);
}

/** Opens `url` with a page load (the server renders it, the browser hydrates it). */
async function load(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
  await expect(page.getByText("Loading…")).toHaveCount(0);
}

/** Drives objects into each transitional state; returns their ids. */
async function makeWorld(page: Page): Promise<World> {
  // Everything the slow states start from, made at full speed.
  await setDelay(page, 0);
  const serviceDeleting = publish("to be deleted", "clb", "lb-bp1northwind00000001", "cn-hangzhou-h");
  const ids = {
    modifying: endpoint("modifying"),
    disconnecting: endpoint("disconnecting"),
    connecting: endpoint("connecting"),
    deleting: endpoint("deleting"),
    zones: endpoint("zones", [ZONE_H, ZONE_I]),
    securityGroups: endpoint("security-groups"),
    waiting: endpoint("waiting"),
  };
  for (const id of [ids.modifying, ids.disconnecting, ids.deleting, ids.zones]) accept(id);
  const deleted = endpoint("deleted");
  api("contoso", "DeleteVpcEndpoint", { RegionId: REGION, EndpointId: deleted });

  // Now every change stays in its in-between state for ten minutes.
  await setDelay(page, SLOW_MS);
  const serviceCreating = publish("being created", "alb", "alb-bp1northwind0000001", "cn-hangzhou-j");
  api("northwind", "DeleteVpcEndpointService", { RegionId: REGION, ServiceId: serviceDeleting });
  const creating = endpoint("creating");
  api("northwind", "UpdateVpcEndpointConnectionAttribute", { RegionId: REGION, ServiceId: ORDERS, EndpointId: ids.modifying, Bandwidth: 2048 });
  api("northwind", "DisableVpcEndpointConnection", { RegionId: REGION, ServiceId: ORDERS, EndpointId: ids.disconnecting });
  accept(ids.connecting);
  api("contoso", "DeleteVpcEndpoint", { RegionId: REGION, EndpointId: ids.deleting });
  api("northwind", "DisableVpcEndpointZoneConnection", { RegionId: REGION, ServiceId: ORDERS, EndpointId: ids.zones, ZoneId: ZONE_H.ZoneId });
  api("contoso", "AttachSecurityGroupToVpcEndpoint", { RegionId: REGION, EndpointId: ids.securityGroups, SecurityGroupId: SG2 });
  return { serviceCreating, serviceDeleting, endpoints: { ...ids, creating }, deleted };
}

test.describe.serial("transitional states", () => {
  let page: Page;
  let errors: string[];
  let world: World;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage();
    errors = watchErrors(page);
    await signInByHand(page, STRANGER);
    await signIn(page, CONSUMER, true);
    await signIn(page, PROVIDER, true);
    world = await makeWorld(page);
    expect(errors).toEqual([]);
  });

  test.afterAll(async () => {
    await page.close();
  });

  test("every page and tab loads cleanly while objects are in transition", async () => {
    await switchTo(page, PROVIDER);
    const provider = ["/", "/inventory", "/services", "/available-services", "/endpoints", "/gateway-endpoints", "/activity", "/demo"];
    for (const id of [ORDERS, world.serviceCreating, world.serviceDeleting]) {
      for (const tab of SERVICE_TABS) provider.push(`/services/${id}?tab=${tab}`);
    }
    for (const url of provider) await load(page, url);

    await switchTo(page, CONSUMER);
    const consumer = ["/", "/services", "/available-services", "/endpoints", "/gateway-endpoints", "/activity"];
    for (const id of Object.values(world.endpoints)) {
      for (const tab of ENDPOINT_TABS) consumer.push(`/endpoints/${id}?tab=${tab}`);
    }
    for (const url of consumer) await load(page, url);
    expect(errors).toEqual([]);
  });

  test("the tabs switch without a reload in every state", async () => {
    await switchTo(page, PROVIDER);
    for (const id of [ORDERS, world.serviceCreating, world.serviceDeleting]) {
      await load(page, `/services/${id}`);
      for (const tab of SERVICE_TABS) {
        await page.locator(`#tab-${tab}`).click();
        await expect(page).toHaveURL(new RegExp(`tab=${tab}$`));
      }
    }
    // The connections show the words the console uses for each state.
    const rows = page.locator("#service-connections tr[data-endpoint]");
    await page.goto(`/services/${ORDERS}?tab=connections`);
    await hydrated(page);
    await expect(rows.filter({ hasText: world.endpoints.modifying })).toContainText("Modifying");
    await expect(rows.filter({ hasText: world.endpoints.connecting })).toContainText("Connecting");
    await expect(rows.filter({ hasText: world.endpoints.disconnecting })).toContainText("Disconnecting");

    await switchTo(page, CONSUMER);
    for (const id of Object.values(world.endpoints)) {
      await load(page, `/endpoints/${id}`);
      for (const tab of ENDPOINT_TABS) {
        await page.locator(`#tab-${tab}`).click();
        await expect(page).toHaveURL(new RegExp(`tab=${tab}$`));
      }
    }
    expect(errors).toEqual([]);
  });

  test("switching account keeps the page working: lists follow, another account's object says so", async () => {
    await switchTo(page, PROVIDER);
    await load(page, "/endpoints");
    for (const who of [CONSUMER, PROVIDER, STRANGER, CONSUMER]) {
      await switchTo(page, who);
      await expect(page.locator("#main h1")).toContainText("Endpoints");
    }
    await expect(page.locator(`td[data-connection="${world.endpoints.modifying}"]`)).toBeVisible();

    // A Northwind service page, then the account switches to Contoso: not Contoso's to see.
    await switchTo(page, PROVIDER);
    await load(page, `/services/${ORDERS}?tab=connections`);
    await switchTo(page, CONSUMER);
    const missing = page.locator("[data-missing]");
    await expect(missing).toContainText(`No endpoint service ${ORDERS} in this account`);
    await expect(missing.getByRole("link", { name: "Endpoint services" })).toBeVisible();
    await switchTo(page, PROVIDER);
    await expect(page.locator("#service-name")).toContainText(ORDERS);
    expect(errors).toEqual([]);
  });

  test("a deleted endpoint's page says it was deleted and links back", async () => {
    await switchTo(page, CONSUMER);
    await load(page, `/endpoints/${world.deleted}`);
    const missing = page.locator("[data-missing]");
    await expect(missing).toContainText("This endpoint was deleted");
    await missing.getByRole("link", { name: "Endpoints" }).click();
    await expect(page).toHaveURL(/\/endpoints$/);
    expect(errors).toEqual([]);
  });

  test("a live refresh updates the connection rows in place: a click on Accept is never lost", async () => {
    await switchTo(page, PROVIDER);
    await load(page, `/services/${ORDERS}?tab=connections`);
    const row = page.locator(`#service-connections tr[data-endpoint="${world.endpoints.waiting}"]`);
    const accept = row.locator('button[data-action="accept"]');
    await accept.evaluate((el) => ((el as unknown as { probe: number }).probe = 1));
    // Changes to the service and to the row itself arrive live: the page refetches and shows them.
    api("northwind", "UpdateVpcEndpointServiceAttribute", { RegionId: REGION, ServiceId: ORDERS, ServiceDescription: "Orders API, refreshed" });
    await expect(page.locator("#main h1")).toContainText("Orders API, refreshed");
    api("contoso", "UpdateVpcEndpointAttribute", { RegionId: REGION, EndpointId: world.endpoints.waiting, EndpointName: "renamed-live" });
    await expect(row).toContainText("renamed-live");
    // The row's button is still the same element, so a click that started on it lands.
    expect(await accept.evaluate((el) => (el as unknown as { probe?: number }).probe)).toBe(1);
    await accept.click();
    await expect(row).toContainText("Connecting");
    expect(errors).toEqual([]);
  });
});
