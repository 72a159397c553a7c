"""Console figures: bundle sizes and server-side render times of the main pages.

Signs in over HTTP through the `sign_in` server function (POST /api/sign_in; a request without an
Origin header passes the CSRF guard) as the provider, then fetches each page `--requests` times
over one keep-alive connection and `--requests` times over a new connection each, timing each
request until its whole body has arrived.

Usage: .venv/bin/python bench/console.py --url http://127.0.0.1:PORT --site-root DIR [--requests 50]
Prints two markdown tables.
"""

import argparse
import gzip
import http.client
import os
import statistics
import sys
import time
import urllib.parse

import brotli

ACCOUNT, PASSWORD, NAME = "1000000000000001", "northwind-demo", "Northwind Data"
PAGES = ["/", "/services", "/services/epsrv-bp1northwindorders01", "/endpoints", "/inventory",
         "/activity", "/demo"]
# The main bundle first; with `--split` the lazy routes' WASM chunks and their loader follow.
ASSETS = ["linkyard.wasm", "linkyard.js", "linkyard.css"]


def kib(n):
    return f"{n / 1024:,.1f} KiB"


def sizes(site_root):
    rows = ["| Asset | Raw | gzip -9 | brotli q11 |", "|---|---:|---:|---:|"]
    pkg = os.path.join(site_root, "pkg")
    chunks = sorted(n for n in os.listdir(pkg)
                    if n not in ASSETS and n.endswith((".wasm", ".js")))
    for name in ASSETS + chunks:
        with open(os.path.join(pkg, name), "rb") as f:
            data = f.read()
        rows.append(f"| pkg/{name} | {kib(len(data))} | {kib(len(gzip.compress(data, 9)))} | "
                    f"{kib(len(brotli.compress(data, quality=11)))} |")
    return rows


def sign_in(conn):
    body = urllib.parse.urlencode({"form[account_id]": ACCOUNT, "form[password]": PASSWORD})
    conn.request("POST", "/api/sign_in", body,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    r.read()
    cookie = r.getheader("Set-Cookie", "").split(";")[0]
    if r.status != 200 or not cookie.startswith("linkyard_session="):
        sys.exit(f"sign-in failed: HTTP {r.status}")
    return cookie


def fetch(conn, path, headers):
    """GET `path`: (seconds until the headers arrived, the body)."""
    t = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    first = time.perf_counter() - t
    body = r.read()
    if r.status != 200:
        sys.exit(f"GET {path}: HTTP {r.status}")
    return first, body


def render_times(url, requests):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    cookie = sign_in(conn)
    # The browser's request headers: compressed answers, as Chromium receives them.
    headers = {"Cookie": cookie, "Accept": "text/html", "Accept-Encoding": "br, gzip"}
    rows = ["| Page | HTML | sent (br) | keep-alive: head p50 ms | keep-alive: full p50 ms | "
            "keep-alive: full p99 ms | new connection: full p50 ms |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for path in PAGES:
        _, html = fetch(conn, path, {"Cookie": cookie})
        if NAME.encode() not in html:
            sys.exit(f"GET {path} did not render the signed-in console")
        for _ in range(3):  # warm-up
            fetch(conn, path, headers)
        firsts, ms = [], []
        for _ in range(requests):
            t = time.perf_counter()
            first, sent = fetch(conn, path, headers)
            ms.append((time.perf_counter() - t) * 1000)
            firsts.append(first * 1000)
        fresh = []
        for _ in range(requests):
            t = time.perf_counter()
            one = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            fetch(one, path, headers)
            one.close()
            fresh.append((time.perf_counter() - t) * 1000)
        ms.sort()
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        rows.append(f"| {path} | {kib(len(html))} | {kib(len(sent))} | "
                    f"{statistics.median(firsts):.1f} | {statistics.median(ms):.1f} | {p99:.1f} | "
                    f"{statistics.median(fresh):.1f} |")
        print(f"  {path}: p50 {statistics.median(ms):.1f} ms", file=sys.stderr, flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--site-root", required=True)
    ap.add_argument("--requests", type=int, default=50)
    args = ap.parse_args()
    out = ["Release bundle (served from `pkg/`):", "", *sizes(args.site_root), "",
           f"Server-side render, signed in as the provider {ACCOUNT}: per page, 3 warm-up requests, "
           f"then {args.requests} sequential requests over one keep-alive connection and "
           f"{args.requests} over a new connection each (connect included), timed to the last "
           "byte (head: until the status line and headers arrived), `Accept-Encoding: br, gzip` "
           "like a browser.", "",
           *render_times(args.url, args.requests)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
