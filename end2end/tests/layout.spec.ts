import { test, expect, Page } from "@playwright/test";
import { ARTIFACTS, CONSUMER, PROVIDER, STRANGER, hydrated } from "./helpers";
import { ORDERS, createEndpoint, deleteEndpoint, open, signInByHand, unique, watchErrors } from "./pages";

// Widths people use (768 px and up), the theme (system preference until the user picks one) and
// empty tables that say so with the action that fills them. Any browser console error fails.

/** The top bar's account switcher and Sign out are inside the viewport; nothing scrolls sideways. */
async function fitsWidth(page: Page) {
  const width = page.viewportSize()!.width;
  for (const control of [page.locator("#account-switcher"), page.getByRole("button", { name: "Sign out" })]) {
    await expect(control).toBeVisible();
    const box = (await control.boundingBox())!;
    expect.soft(box.x, `${page.url()}: left edge`).toBeGreaterThanOrEqual(0);
    expect.soft(box.x + box.width, `${page.url()}: right edge of ${await control.evaluate((e) => e.id || e.textContent)}`).toBeLessThanOrEqual(width);
  }
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect.soft(scroll, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(client);
}

test("at 768×1024 every main page keeps the account switcher and Sign out in view, with no sideways scroll", async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 768, height: 1024 });
  const endpoint = createEndpoint(unique("layout-768"));
  try {
    await open(page, "/signin");
    const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(scroll).toBeLessThanOrEqual(client);
    // Two accounts signed in (demo mode): the longest top bar.
    await signInByHand(page, CONSUMER);
    await page.goto("/signin?add=1");
    await hydrated(page);
    await page.fill("#account_id", PROVIDER.id);
    await page.fill("#password", PROVIDER.password);
    await page.click("#sign-in");
    await expect(page.locator("#account-switcher")).toBeVisible();
    for (const url of ["/", "/inventory", "/services", "/endpoints", "/gateway-endpoints", "/activity", "/demo",
      ...["overview", "resources", "whitelist", "connections", "events"].map((t) => `/services/${ORDERS}?tab=${t}`)]) {
      await open(page, url);
      await fitsWidth(page);
    }
    await page.screenshot({ path: `${ARTIFACTS}/width-768-service.png`, fullPage: true });
    await signInByHand(page, CONSUMER);
    for (const t of ["overview", "zones", "bandwidth", "security-groups", "policy", "events"]) {
      await open(page, `/endpoints/${endpoint}?tab=${t}`);
      await fitsWidth(page);
    }
    await page.screenshot({ path: `${ARTIFACTS}/width-768-endpoint.png`, fullPage: true });
  } finally {
    deleteEndpoint(endpoint);
  }
  expect(errors).toEqual([]);
});

const isDark = (page: Page) => page.evaluate(() => document.documentElement.classList.contains("dark"));

test("the theme follows the system until the user picks one, then the choice sticks", async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await open(page, "/signin");
  expect(await page.evaluate(() => localStorage.getItem("linkyard-theme"))).toBeNull();
  expect(await isDark(page)).toBe(true);
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(248, 250, 252)");
  // The system switches to light while the page is open: the page follows.
  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(() => isDark(page)).toBe(false);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect.poll(() => isDark(page)).toBe(true);

  // The user picks light with the toggle: remembered, also against a dark system.
  await signInByHand(page, STRANGER);
  await page.click("#theme-toggle");
  expect(await isDark(page)).toBe(false);
  expect(await page.evaluate(() => localStorage.getItem("linkyard-theme"))).toBe("light");
  await open(page, "/inventory");
  expect(await isDark(page)).toBe(false);
  await page.reload();
  await hydrated(page);
  expect(await isDark(page)).toBe(false);
  // ...and back to dark, also against a light system.
  await page.click("#theme-toggle");
  expect(await isDark(page)).toBe(true);
  await page.emulateMedia({ colorScheme: "light" });
  await open(page, "/");
  expect(await isDark(page)).toBe(true);
  expect(errors).toEqual([]);
  await context.close();
});

test("a fresh account's empty tables say so and offer the action that fills them", async ({ page }) => {
  const errors = watchErrors(page);
  await signInByHand(page, STRANGER); // Fabrikam: no services, endpoints, gateway endpoints or load balancers
  const cases: [string, string, string, string][] = [
    ["/services", "services", "No endpoint services in cn-hangzhou", "Publish a service"],
    ["/endpoints", "endpoints", "No endpoints in cn-hangzhou", "Create an endpoint"],
    ["/gateway-endpoints", "gateway-endpoints", "No gateway endpoints in cn-hangzhou", "Create a gateway endpoint"],
    ["/inventory", "load-balancers", "No load balancers in cn-hangzhou", "Create a load balancer"],
  ];
  for (const [url, name, words, action] of cases) {
    await open(page, url);
    const empty = page.locator(`[data-empty="${name}"]`);
    await expect(empty).toContainText(words);
    const button = empty.getByRole("button", { name: action });
    await button.click();
    // The action takes the keyboard focus to the form that creates one.
    const target = await button.getAttribute("aria-controls");
    await expect(page.locator(`#${target}`)).toBeFocused();
  }
  await page.screenshot({ path: `${ARTIFACTS}/empty-inventory.png`, fullPage: true });
  // Filters that match nothing say so, with the way out.
  await open(page, "/activity");
  await page.fill("#filter-action", "NoSuchAction");
  await page.press("#filter-action", "Enter");
  await expect(page.locator('[data-empty="activity"]')).toContainText("No activity matches these filters");
  expect(errors).toEqual([]);
});
