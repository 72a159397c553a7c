import { test, expect, Page } from "@playwright/test";
import { CONSUMER, PROVIDER, hydrated } from "./helpers";
import { ORDERS, api, unique, waitingCount, watchErrors } from "./pages";

// The path a new user takes: open the sign-in page, sign in, follow the sidebar — never reload —
// and see another account's change arrive live. Any browser console error fails the test.

/** Signs in on the sign-in page the way a person does: type, click, no reload afterwards. */
async function signInByHand(page: Page, who: { id: string; password: string }) {
  await page.fill("#account_id", who.id);
  await page.fill("#password", who.password);
  await page.click("#sign-in");
  await expect(page.locator("#account-switcher")).toBeVisible();
}

test("a new user signs in without reloading and sees another account's change live", async ({ page }) => {
  const errors = watchErrors(page);
  let loads = 0;
  page.on("load", () => loads++);

  await page.goto("/signin");
  await hydrated(page);
  // Nobody is signed in: no event stream is opened, so no 401 in the console.
  await signInByHand(page, PROVIDER);
  await expect(page.locator("#live-status")).toHaveAttribute("data-status", "live");

  // Follow the sidebar to the service's connections.
  await page.getByRole("link", { name: "Endpoint services" }).click();
  await page.locator(`a[href="/services/${ORDERS}"]`).first().click();
  await expect(page.locator("#service-name")).toBeVisible();
  const waitingBefore = await waitingCount(page);

  // Another account (the consumer, through the official SDK) asks to connect.
  const created = api("contoso", "CreateVpcEndpoint", {
    RegionId: "cn-hangzhou", ServiceId: ORDERS, VpcId: "vpc-bp1contoso0000000001", EndpointName: unique("new-user-path"),
    SecurityGroupId: ["sg-bp1contoso00000000001"], Zone: [{ ZoneId: "cn-hangzhou-h", VSwitchId: "vsw-bp1contoso000000000h" }],
  });
  const eid: string = created.EndpointId;
  await expect(page.locator("#pending-badge")).toHaveText(`${waitingBefore + 1} waiting`, { timeout: 5_000 });

  // Sign out and back in as the consumer, still without a reload: the stream follows.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.locator("#sign-in")).toBeVisible();
  await hydrated(page);
  await signInByHand(page, CONSUMER);
  await expect(page.locator("#live-status")).toHaveAttribute("data-status", "live");
  await page.getByRole("link", { name: "Endpoints", exact: true }).click();
  const cell = page.locator(`td[data-connection="${eid}"]`);
  await expect(cell).toBeVisible();
  api("northwind", "EnableVpcEndpointConnection", { RegionId: "cn-hangzhou", ServiceId: ORDERS, EndpointId: eid });
  await expect(cell).toContainText("Connected", { timeout: 10_000 });

  // Leave nothing behind.
  api("contoso", "DeleteVpcEndpoint", { RegionId: "cn-hangzhou", EndpointId: eid });
  await expect(cell).toHaveCount(0, { timeout: 10_000 });

  expect(loads, "the browser reloaded the page").toBe(1);
  expect(errors).toEqual([]);
});
