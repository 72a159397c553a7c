import { test, expect, Page } from "@playwright/test";
import * as fs from "node:fs";
import { CONSUMER, PROVIDER, STRANGER } from "./helpers";
import { ORDERS, connectedEndpoint, deleteEndpoint, open, signInByHand, unique, watchErrors } from "./pages";

// WCAG 2.1 A/AA: axe-core runs on every main page, in the light and the dark theme, and the test
// fails on any violation (each printed with its rule id, target and summary) or console error.
// Before this spec: 100 violating elements in the light theme and 252 in the dark (contrast).

// Pages carry a strict CSP (scripts need the response's nonce), which blocks an inline <script>
// such as page.addScriptTag({ path }) adds; page.evaluate runs through DevTools, outside the CSP.
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] };

/** Runs axe on the page as it is; returns one readable line per violating element. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) {
    await page.evaluate(AXE);
  }
  const violations: Violation[] = await page.evaluate(async (tags) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = await (window as any).axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return result.violations;
  }, TAGS);
  const url = new URL(page.url());
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${url.pathname}${url.search} [${v.id}, ${v.impact}] ${JSON.stringify(n.target)}: ${v.help} — ${(n.failureSummary ?? "").replace(/\s+/g, " ")}`),
  );
}

for (const theme of ["light", "dark"] as const) {
  test(`axe: no WCAG 2.1 A/AA violations on the main pages, ${theme} theme`, async ({ page }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    await page.addInitScript((t) => localStorage.setItem("linkyard-theme", t), theme);
    const found: string[] = [];
    const check = async (url: string) => {
      await open(page, url);
      expect(await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(theme === "dark");
      found.push(...(await axe(page)));
    };

    // Signed out: the sign-in page.
    await open(page, "/signin");
    found.push(...(await axe(page)));

    // A connected endpoint of Contoso's, so the provider's and the consumer's pages have rows.
    const endpoint = await connectedEndpoint(unique(`a11y-${theme}`));
    try {
      await signInByHand(page, PROVIDER);
      for (const url of ["/", "/inventory", "/services", "/gateway-endpoints", "/activity", "/demo"]) await check(url);
      for (const tab of ["overview", "resources", "whitelist", "connections", "events"]) await check(`/services/${ORDERS}?tab=${tab}`);

      await signInByHand(page, CONSUMER);
      await check("/endpoints");
      for (const tab of ["overview", "zones", "bandwidth", "security-groups", "policy", "events"]) await check(`/endpoints/${endpoint}?tab=${tab}`);
    } finally {
      // Leave the endpoint's page first: it would refetch the deleted endpoint (a 400 in the console).
      await page.goto("/signin");
      deleteEndpoint(endpoint);
    }
    // Empty tables (Fabrikam has no services, endpoints, gateway endpoints or load balancers).
    await signInByHand(page, STRANGER);
    for (const url of ["/services", "/endpoints", "/gateway-endpoints", "/inventory"]) await check(url);

    console.log(`${found.length} axe violation(s) in the ${theme} theme`);
    for (const line of found) console.log(`  ${line}`);
    expect(found, found.join("\n")).toEqual([]);
    expect(errors).toEqual([]);
  });
}
