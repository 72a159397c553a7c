import { test, expect } from "@playwright/test";
import { ARTIFACTS, CONSUMER, PROVIDER, hydrated, signIn } from "./helpers";

test("anonymous visitors are sent to the sign-in page", async ({ page }) => {
  await page.goto("/inventory");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByText("Sign in with your account id and password.")).toBeVisible();
});

test("a wrong password shows a readable error with its code", async ({ page }) => {
  await page.goto("/signin");
  await hydrated(page);
  await page.fill("#account_id", PROVIDER.id);
  await page.fill("#password", "not-the-password");
  await page.click("#sign-in");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("The account id or password is not correct.");
  await expect(alert).toContainText("InvalidCredentials");
});

test("provider signs in and sees the home page and inventory", async ({ page }) => {
  await signIn(page, PROVIDER);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator("#account-switcher")).toContainText(PROVIDER.name);
  await expect(page.locator('[data-count="Load balancers"]')).toHaveText("5");
  await page.screenshot({ path: `${ARTIFACTS}/home-signed-in.png`, fullPage: true });

  await page.getByRole("link", { name: "Inventory" }).click();
  await expect(page.locator("#load-balancers")).toContainText("orders-nlb");
  await expect(page.locator("#load-balancers")).toContainText("Dual-stack");
  await page.screenshot({ path: `${ARTIFACTS}/inventory.png`, fullPage: true });
});

test("demo mode: one browser signs in two accounts and switches between them", async ({ page }) => {
  await signIn(page, PROVIDER);
  await signIn(page, CONSUMER, true);
  const switcher = page.locator("#account-switcher");
  await expect(switcher.locator("option")).toHaveCount(2);
  await expect(page.locator('[data-count="Load balancers"]')).toHaveText("0");
  await switcher.selectOption(PROVIDER.id);
  await expect(page.locator('[data-count="Load balancers"]')).toHaveText("5");
});

test("the theme toggle switches to dark and remembers it", async ({ page }) => {
  await signIn(page, PROVIDER);
  await page.click("#theme-toggle");
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.screenshot({ path: `${ARTIFACTS}/home-dark.png` });
});
