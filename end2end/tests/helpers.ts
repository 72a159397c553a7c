import { Page, expect } from "@playwright/test";

export const PROVIDER = { id: "1000000000000001", password: "northwind-demo", name: "Northwind Data" };
export const CONSUMER = { id: "1000000000000002", password: "contoso-demo", name: "Contoso Retail" };
export const STRANGER = { id: "1000000000000003", password: "fabrikam-demo", name: "Fabrikam Labs" };

/** Where screenshots are kept as test artifacts. */
export const ARTIFACTS = process.env.LINKYARD_ARTIFACTS ?? "artifacts";

/** Waits until the WASM bundle has hydrated the page (the page sets body[data-hydrated] once its own view hydrated; see ui::routes). */
export async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor({ timeout: 30_000 });
}

/** Signs in through the form; `add` keeps accounts already signed in (demo mode). */
export async function signIn(page: Page, who: { id: string; password: string }, add = false) {
  await page.goto(add ? "/signin?add=1" : "/signin");
  await hydrated(page);
  await page.fill("#account_id", who.id);
  await page.fill("#password", who.password);
  await page.click("#sign-in");
  await expect(page.locator("#account-switcher")).toBeVisible();
}
