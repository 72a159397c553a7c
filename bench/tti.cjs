// Time to interactive of the console in headless Chromium: from the start of a navigation until
// the page hydrated (the WASM ran and the page set body[data-hydrated] after its own view hydrated; the console then answers
// clicks). Measured for the sign-in page (what a new user opens first) and, signed in, the
// Overview page, each with an empty cache (a fresh browser context) and with a warm one (the
// same context again). The page records the moment itself (performance.now(), which starts at
// the navigation), so Node's own latency is not counted.
// Also notes which WASM files (the main bundle and, with `--split`, the lazy routes' chunks) each
// empty-cache page load fetched, and their size as sent (compressed).
// Usage: node bench/tti.cjs URL [RUNS]   (Debian Chromium; CHROMIUM_PATH overrides)
// Prints markdown tables.
const { chromium } = require("../end2end/node_modules/@playwright/test");

const [url, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 10);
const PROVIDER = { id: "1000000000000001", password: "northwind-demo" };

// Runs in every page before its own scripts: note when body[data-hydrated] appears.
const RECORD = () => {
  new MutationObserver((_, observer) => {
    if (document.body && document.body.hasAttribute("data-hydrated")) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
};

/** WASM fetched per page load: file name → bytes as sent, for the first run of each kind. */
const fetched = {};

/** Records the WASM `page` fetches under `label` until the answered function is called. */
function noteWasm(page, label) {
  const files = (fetched[label] = {});
  let done = false;
  page.on("response", async (r) => {
    const name = new URL(r.url()).pathname;
    if (done || !name.endsWith(".wasm") || r.status() !== 200) return;
    try {
      files[name.replace(/^\/pkg\//, "")] = (await r.request().sizes()).responseBodySize;
    } catch {
      // the page was closed before the sizes were known
    }
  });
  return async () => {
    // The page hydrated, so it fetched what it needs (the route's chunk loads before hydration).
    await page.waitForTimeout(500);
    done = true;
  };
}

/** Opens `path` in `page` and answers the milliseconds from navigation start to hydrated. */
async function timeTo(page, path) {
  await page.goto(path);
  await page.locator("body[data-hydrated]").waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => window.__hydratedAt !== undefined);
  return page.evaluate(() => window.__hydratedAt);
}

function row(label, values) {
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `| ${label} | ${s.length} | ${s[0].toFixed(0)} | ${median.toFixed(0)} | ${s[s.length - 1].toFixed(0)} |`;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const results = { signinCold: [], signinWarm: [], overviewCold: [], overviewWarm: [] };
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL: url });
    await context.addInitScript(RECORD);
    const page = await context.newPage();
    const noted = i === 0 ? noteWasm(page, "/signin, empty cache") : async () => {};
    results.signinCold.push(await timeTo(page, "/signin"));
    await noted();
    results.signinWarm.push(await timeTo(page, "/signin"));
    await page.fill("#account_id", PROVIDER.id);
    await page.fill("#password", PROVIDER.password);
    await page.click("#sign-in");
    await page.locator("#account-switcher").waitFor();
    results.overviewWarm.push(await timeTo(page, "/"));
    await context.close();
  }
  // The Overview with an empty cache, signed in: sign in in one context, then open the Overview
  // in a fresh context that has only its session cookie.
  for (let i = 0; i < runs; i++) {
    const signer = await browser.newContext({ baseURL: url });
    const p = await signer.newPage();
    await p.goto("/signin");
    await p.locator("body[data-hydrated]").waitFor({ timeout: 30_000 });
    await p.fill("#account_id", PROVIDER.id);
    await p.fill("#password", PROVIDER.password);
    await p.click("#sign-in");
    await p.locator("#account-switcher").waitFor();
    const cookies = await signer.cookies();
    await signer.close();
    const context = await browser.newContext({ baseURL: url });
    await context.addCookies(cookies);
    await context.addInitScript(RECORD);
    const page = await context.newPage();
    const noted = i === 0 ? noteWasm(page, "/ (Overview, signed in), empty cache") : async () => {};
    results.overviewCold.push(await timeTo(page, "/"));
    await noted();
    await context.close();
  }
  await browser.close();
  console.log("### Time to interactive (headless Chromium, navigation start → hydrated, ms)");
  console.log();
  console.log("| Page, cache | Runs | Min | Median | Max |");
  console.log("|---|---:|---:|---:|---:|");
  console.log(row("/signin, empty cache", results.signinCold));
  console.log(row("/signin, warm cache", results.signinWarm));
  console.log(row("/ (Overview, signed in), empty cache", results.overviewCold));
  console.log(row("/ (Overview, signed in), warm cache", results.overviewWarm));
  console.log();
  console.log("### WASM fetched by the first page (as sent: brotli)");
  console.log();
  console.log("| Page load | Files | KiB as sent |");
  console.log("|---|---|---:|");
  for (const [label, files] of Object.entries(fetched)) {
    const total = Object.values(files).reduce((a, b) => a + b, 0);
    const list = Object.entries(files).map(([f, n]) => `${f} ${(n / 1024).toFixed(1)}`).join(", ");
    console.log(`| ${label} | ${list} | ${(total / 1024).toFixed(1)} |`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
