// Cross-context live-update delay: the provider has its service detail page open in one browser
// context; the consumer, signed in in a second context, creates an endpoint through the console's
// `create_endpoint` server function. Measured from the consumer's request: until the new row is in
// the provider's DOM (a MutationObserver timestamps it), and until the consumer's own answer.
// One untimed round first warms the connections.
// Usage: node bench/live-delay.cjs URL [ITERATIONS]   (Debian Chromium; CHROMIUM_PATH overrides)
// Prints a markdown table.
const { chromium } = require("../end2end/node_modules/@playwright/test");

const [url, iterationsArg] = process.argv.slice(2);
const iterations = Number(iterationsArg ?? 10);
const PROVIDER = { id: "1000000000000001", password: "northwind-demo" };
const CONSUMER = { id: "1000000000000002", password: "contoso-demo" };
const ORDERS = "epsrv-bp1northwindorders01";
const ROWS = "#service-connections tr[data-endpoint]";
// Wall-clock milliseconds with sub-millisecond precision (comparable between Node and the page).
const now = () => performance.timeOrigin + performance.now();

async function signedIn(browser, who) {
  const context = await browser.newContext({ baseURL: url });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.locator("body[data-hydrated]").waitFor({ timeout: 30_000 });
  await page.fill("#account_id", who.id);
  await page.fill("#password", who.password);
  await page.click("#sign-in");
  await page.locator("#account-switcher").waitFor();
  return { context, page };
}

function summary(label, values) {
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return `| ${label} | ${s.length} | ${s[0].toFixed(1)} | ${median.toFixed(1)} | ${s[s.length - 1].toFixed(1)} |`;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  try {
    const provider = await signedIn(browser, PROVIDER);
    await provider.page.goto(`/services/${ORDERS}`);
    await provider.page.locator("body[data-hydrated]").waitFor({ timeout: 30_000 });
    const consumer = await signedIn(browser, CONSUMER);

    const toRow = [];
    const toAnswer = [];
    for (let i = -1; i < iterations; i++) {
      // Arm an observer that resolves with the time the row count first exceeds the current one.
      await provider.page.evaluate((rows) => {
        const before = document.querySelectorAll(rows).length;
        window.__rowSeen = new Promise((resolve) => {
          new MutationObserver((_, observer) => {
            if (document.querySelectorAll(rows).length > before) {
              observer.disconnect();
              resolve(performance.timeOrigin + performance.now());
            }
          }).observe(document.body, { childList: true, subtree: true });
        });
      }, ROWS);
      const sent = now();
      const answer = await consumer.context.request.post("/api/create_endpoint", {
        form: {
          region: "cn-hangzhou",
          service_name: ORDERS,
          vpc_id: "vpc-bp1contoso0000000001",
          "security_group_ids[0]": "sg-bp1contoso00000000001",
          "zones[0]": "cn-hangzhou-h@vsw-bp1contoso000000000h",
          name: `live-${i}`,
          endpoint_type: "Interface",
        },
      });
      const answered = now();
      if (!answer.ok()) throw new Error(`create_endpoint: HTTP ${answer.status()} ${await answer.text()}`);
      const seen = await provider.page.evaluate(() =>
        Promise.race([window.__rowSeen, new Promise((r) => setTimeout(() => r(null), 10_000))]));
      if (seen === null) throw new Error(`iteration ${i}: the provider's page did not show the new row`);
      if (i >= 0) {
        toRow.push(seen - sent);
        toAnswer.push(answered - sent);
        console.error(`  live update ${i + 1}/${iterations}: ${(seen - sent).toFixed(1)} ms`);
      }
      await provider.page.waitForTimeout(300); // let the endpoint's own transitions settle
    }
    console.log([
      `Cross-context live update: the provider has /services/${ORDERS} open, the consumer creates ` +
        "an endpoint from another browser context (headless Chromium); times from the consumer's request:",
      "",
      "| Until | Runs | min ms | median ms | max ms |",
      "|---|---:|---:|---:|---:|",
      summary("the new row is in the provider's DOM", toRow),
      summary("the consumer has its answer", toAnswer),
    ].join("\n"));
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
