import { test, expect, Page } from "@playwright/test";
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROVIDER, hydrated } from "./helpers";
import { ORDERS } from "./pages";

// Live updates survive a server restart: sign in on the sign-in page, stop the server, see the top
// bar say "Reconnecting…", start it again, see "Live", then see a change made through the API
// after the restart arrive without any reload. The spec runs a server of its own (the built
// binary, LINKYARD_BIN, on a fresh database and a free port) since it stops and starts it.
//
// Allowed console errors, and only while the server is down: the event stream's own failures
// (a request to /events refused, or the open stream cut off). Anything else fails the test.

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.resolve(ROOT, process.env.LINKYARD_BIN ?? "target/debug/linkyard");
const SITE = path.resolve(ROOT, process.env.LINKYARD_SITE_ROOT ?? "target/site");
const STREAM_FAILURE = /net::ERR_(CONNECTION_REFUSED|INCOMPLETE_CHUNKED_ENCODING|EMPTY_RESPONSE|CONNECTION_RESET|CONNECTION_CLOSED)/;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One run of the server binary on `db` at `port`; resolves once /healthz answers. */
async function startServer(db: string, port: number, log: string[]): Promise<ChildProcess> {
  const child = spawn(BIN, [
    "--database-url", `sqlite://${db}`, "--log-level", "warn", "serve", "--addr", `127.0.0.1:${port}`,
    "--scenario", path.join(ROOT, "scenarios/demo.toml"), "--transition-delay-ms", "300", "--site-root", SITE,
  ], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => log.push(String(d)));
  child.stderr!.on("data", (d) => log.push(String(d)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log.join("")}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`the server did not answer /healthz:\n${log.join("")}`);
}

async function stopServer(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await exited;
  }
}

/** Calls a cloud API action on the spec's own server through the official SDK (tests/sdk/call.py). */
function api(port: number, who: "northwind" | "contoso", action: string, params: Record<string, unknown>) {
  const out = execFileSync(path.join(ROOT, ".venv/bin/python"), [path.join(ROOT, "tests/sdk/call.py"), who, action, JSON.stringify(params)], {
    env: { ...process.env, LINKYARD_API: `127.0.0.1:${port}` },
    encoding: "utf8",
  });
  return JSON.parse(out).Body;
}

/** Console errors, page errors and HTTP errors of `page`, except the stream's failures while `down()`. */
function watch(page: Page, down: () => boolean): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() !== "error" && !/hydrat/i.test(m.text())) return;
    const where = m.location().url ?? "";
    const streamFailure = new URL(where || "about:blank", "http://x").pathname === "/events" && STREAM_FAILURE.test(m.text());
    if (down() && streamFailure) return;
    errors.push(`console ${m.type()}: ${m.text()} @ ${where} (${page.url()})`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message} (${page.url()})`));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return errors;
}

test("live updates reconnect after a server restart and deliver what changes after it", async ({ page }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(path.join(tmpdir(), "linkyard-restart-"));
  const db = path.join(dir, "restart.db");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  let server = await startServer(db, port, log);
  let down = false;
  try {
    const errors = watch(page, () => down);
    let loads = 0;
    page.on("load", () => loads++);

    // Sign in on the sign-in page, then follow the sidebar to the service's connections.
    await page.goto(`${base}/signin`);
    await hydrated(page);
    await page.fill("#account_id", PROVIDER.id);
    await page.fill("#password", PROVIDER.password);
    await page.click("#sign-in");
    await expect(page.locator("#account-switcher")).toBeVisible();
    const status = page.locator("#live-status");
    await expect(status).toHaveAttribute("data-status", "live");
    await expect(status).toContainText("Live");
    await page.getByRole("link", { name: "Endpoint services" }).click();
    await page.locator(`a[href="/services/${ORDERS}"]`).first().click();
    await expect(page.locator("#service-name")).toBeVisible();
    await expect(page.locator("#pending-badge")).toHaveCount(0);

    // The server goes away: the top bar says so.
    down = true;
    await stopServer(server);
    await expect(status).toHaveAttribute("data-status", "connecting", { timeout: 10_000 });
    await expect(status).toContainText("Reconnecting…");

    // It comes back on the same port and database: the stream reopens by itself (back-off ≤ 15 s).
    server = await startServer(db, port, log);
    await expect(status).toHaveAttribute("data-status", "live", { timeout: 20_000 });
    await expect(status).toContainText("Live");
    down = false;

    // A change made after the restart, by another account through the API, arrives live.
    const created = api(port, "contoso", "CreateVpcEndpoint", {
      RegionId: "cn-hangzhou", ServiceId: ORDERS, VpcId: "vpc-bp1contoso0000000001", EndpointName: "after-restart",
      SecurityGroupId: ["sg-bp1contoso00000000001"], Zone: [{ ZoneId: "cn-hangzhou-h", VSwitchId: "vsw-bp1contoso000000000h" }],
    });
    expect(created.EndpointId).toMatch(/^ep-/);
    await expect(page.locator("#pending-badge")).toHaveText("1 waiting", { timeout: 5_000 });

    expect(loads, "the browser reloaded the page").toBe(1);
    expect(errors).toEqual([]);
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
});
