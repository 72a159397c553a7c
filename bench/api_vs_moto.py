"""Cloud API load test: Linkyard (official Alibaba Cloud V3 SDK) next to moto (boto3 EC2).

Starts a Linkyard server (its own scenario, on a fresh database) and a moto server on free ports,
seeds the same inventory in both, then runs the same two calls at each client count:
    READ   ListVpcEndpoints (Linkyard)  vs  DescribeVpcEndpoints (moto), 20 endpoints listed
    WRITE  CreateVpcEndpoint (Linkyard) vs  CreateVpcEndpoint (moto), one zone / subnet + one SG
Each client is a thread with its own SDK client object; both sides are Python clients with
keep-alive connections, so the client-side overhead is of the same kind. Linkyard allows 1000
endpoints per VPC (QuotaExceeded.totalEpPerVpc), so writes rotate over enough consumer VPCs to
stay at most 900 per VPC; moto gets the same VPC layout.

Usage: .venv/bin/python bench/api_vs_moto.py --linkyard-bin target/release/linkyard
           [--requests 2000] [--seconds 20] [--clients 1,32] [--out FILE]
Prints a markdown table (and writes it to --out). Servers it starts are stopped on exit.
"""

import argparse
import itertools
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import boto3
from alibabacloud_privatelink20200415 import models
from alibabacloud_privatelink20200415.client import Client
from alibabacloud_tea_openapi.models import Config

REGION = "cn-hangzhou"
ZONE = "cn-hangzhou-h"
PROVIDER_KEY = ("LTAI5tNorthwindDemo01", "northwind-secret-0001")
CONSUMER_KEY = ("LTAI5tContosoDemo0001", "contoso-secret-00001")
ORDERS = "epsrv-bp1northwindorders01"
SEEDED = 20  # endpoints created before the READ runs (both servers list this many)
PER_VPC = 900  # writes per consumer VPC, under Linkyard's 1000-endpoint quota
AWS = dict(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url, proc, what):
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit(f"{what} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{what} did not answer {url}")


def cpu_seconds(pid):
    """User + system CPU time of a process, from /proc (clock-tick resolution)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scenario_toml(vpcs):
    """The demo's Northwind (with its Orders NLB service) and Contoso with `vpcs` VPCs, each with
    one vSwitch in zone h and one security group."""
    lines = [
        'name = "bench"',
        "[[accounts]]",
        'id = "1000000000000001"', 'name = "Northwind Data"', 'password = "northwind-demo"',
        f'access_keys = [{{ id = "{PROVIDER_KEY[0]}", secret = "{PROVIDER_KEY[1]}" }}]',
        'vpcs = [{ id = "vpc-bp1northwind00000001", region = "cn-hangzhou", cidr = "10.10.0.0/16" }]',
        'load_balancers = [{ id = "nlb-bp1northwind0000001", vpc = "vpc-bp1northwind00000001", '
        'type = "nlb", zones = ["cn-hangzhou-h", "cn-hangzhou-i"] }]',
        f'services = [{{ id = "{ORDERS}", region = "cn-hangzhou", resource_type = "nlb", resources = ['
        '{ id = "nlb-bp1northwind0000001", zone = "cn-hangzhou-h" }, '
        '{ id = "nlb-bp1northwind0000001", zone = "cn-hangzhou-i" }], whitelist = ["1000000000000002"] }]',
        "[[accounts]]",
        'id = "1000000000000002"', 'name = "Contoso Retail"', 'password = "contoso-demo"',
        f'access_keys = [{{ id = "{CONSUMER_KEY[0]}", secret = "{CONSUMER_KEY[1]}" }}]',
    ]
    ids = [(f"vpc-bench{i:015d}", f"vsw-bench{i:015d}", f"sg-bench{i:016d}") for i in range(vpcs)]
    lines.append("vpcs = [" + ", ".join(
        f'{{ id = "{v}", region = "{REGION}", cidr = "10.{i}.0.0/16" }}'
        for i, (v, _, _) in enumerate(ids)) + "]")
    lines.append("vswitches = [" + ", ".join(
        f'{{ id = "{w}", vpc = "{v}", zone = "{ZONE}", cidr = "10.{i}.0.0/20" }}'
        for i, (v, w, _) in enumerate(ids)) + "]")
    lines.append("security_groups = [" + ", ".join(
        f'{{ id = "{g}", vpc = "{v}" }}' for v, _, g in ids) + "]")
    return "\n".join(lines) + "\n", ids


class Linkyard:
    name = "Linkyard"
    read_call, write_call = "ListVpcEndpoints", "CreateVpcEndpoint"

    def __init__(self, binary, work, vpcs):
        text, self.vpcs = scenario_toml(vpcs)
        path = os.path.join(work, "bench-scenario.toml")
        with open(path, "w") as f:
            f.write(text)
        port = free_port()
        self.endpoint = f"127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [binary, "--database-url", f"sqlite://{work}/api.db", "--log-level", "warn", "serve",
             "--addr", self.endpoint, "--scenario", path, "--transition-delay-ms", "0"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "linkyard.log"), "w"))
        wait_until_up(f"http://{self.endpoint}/healthz", self.proc, "linkyard")

    def client(self):
        return Client(Config(access_key_id=CONSUMER_KEY[0], access_key_secret=CONSUMER_KEY[1],
                             endpoint=self.endpoint, protocol="http", region_id=REGION))

    def read(self, c):
        c.list_vpc_endpoints(models.ListVpcEndpointsRequest().from_map({"RegionId": REGION}))

    def write(self, c, n):
        vpc, vsw, sg = self.vpcs[n // PER_VPC]
        c.create_vpc_endpoint(models.CreateVpcEndpointRequest().from_map({
            "RegionId": REGION, "ServiceId": ORDERS, "VpcId": vpc, "SecurityGroupId": [sg],
            "Zone": [{"ZoneId": ZONE, "VSwitchId": vsw}], "EndpointName": f"bench-{n}"}))


class Moto:
    name = "moto"
    read_call, write_call = "DescribeVpcEndpoints", "CreateVpcEndpoint"

    def __init__(self, work, vpcs):
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-p", str(port)],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "moto.log"), "w"))
        wait_until_up(f"{self.url}/moto-api/", self.proc, "moto")
        ec2 = self.client()
        elb = boto3.client("elbv2", endpoint_url=self.url, **AWS)
        # Provider: an internal NLB in two AZs behind an endpoint service that needs acceptance.
        pvpc = ec2.create_vpc(CidrBlock="10.250.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=pvpc, CidrBlock=f"10.250.{i}.0/24",
                                     AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"]
                   for i, az in enumerate("ab")]
        nlb = elb.create_load_balancer(Name="orders-nlb", Subnets=subnets, Type="network",
                                       Scheme="internal")["LoadBalancers"][0]["LoadBalancerArn"]
        self.service = ec2.create_vpc_endpoint_service_configuration(
            NetworkLoadBalancerArns=[nlb], AcceptanceRequired=True)["ServiceConfiguration"]["ServiceName"]
        # Consumer: the same VPC / subnet / security group layout as Linkyard's scenario.
        self.vpcs = []
        for i in range(vpcs):
            vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.0.0/20",
                                       AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
            sg = ec2.create_security_group(GroupName=f"endpoints-{i}", Description="endpoints",
                                           VpcId=vpc)["GroupId"]
            self.vpcs.append((vpc, subnet, sg))

    def client(self):
        # A session of its own: boto3's default session is not safe to share between threads.
        return boto3.session.Session().client("ec2", endpoint_url=self.url, **AWS)

    def read(self, c):
        c.describe_vpc_endpoints()

    def write(self, c, n):
        vpc, subnet, sg = self.vpcs[n // PER_VPC]
        c.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, ServiceName=self.service,
                              SubnetIds=[subnet], SecurityGroupIds=[sg])


def run(server, op, clients, requests, seconds, sequence):
    """`requests` calls (or as many as fit in `seconds`) spread over `clients` threads."""
    issued = itertools.count()
    latencies, errors = [], []
    lock = threading.Lock()
    # Each thread builds its client and opens its connection with one untimed read, then waits.
    built, go = threading.Barrier(clients + 1), threading.Event()
    deadline = math.inf

    def worker():
        c = server.client()
        server.read(c)
        mine, failed = [], []
        built.wait()
        go.wait()
        while next(issued) < requests and time.perf_counter() < deadline:
            t = time.perf_counter()
            try:
                if op == "read":
                    server.read(c)
                else:
                    server.write(c, next(sequence))
                mine.append(time.perf_counter() - t)
            except Exception as e:  # an error answer counts, but not in the latencies
                failed.append(f"{type(e).__name__}: {e}")
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    built.wait()
    cpu0, server_cpu0, start = time.process_time(), cpu_seconds(server.proc.pid), time.perf_counter()
    deadline = start + seconds
    go.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    done = len(latencies) + len(errors)
    ms = sorted(x * 1000 for x in latencies) or [math.nan]
    return {
        "n": done, "errors": errors, "rps": len(latencies) / wall,
        "p50": statistics.median(ms), "p99": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "client_cpu": (time.process_time() - cpu0) * 1000 / max(done, 1),
        "server_cpu": (cpu_seconds(server.proc.pid) - server_cpu0) * 1000 / max(done, 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--linkyard-bin", required=True)
    ap.add_argument("--requests", type=int, default=2000, help="requests per setting")
    ap.add_argument("--seconds", type=float, default=20, help="time limit per setting")
    ap.add_argument("--clients", default="1,32", help="comma-separated client counts")
    ap.add_argument("--out", help="also write the table to this file")
    args = ap.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    writes = SEEDED + args.requests * len(clients)
    vpcs = math.ceil(writes / PER_VPC)

    # SIGTERM (from scripts/bench.sh's cleanup) runs the finally block below too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    servers = []
    with tempfile.TemporaryDirectory() as work:
        try:
            servers.append(Linkyard(args.linkyard_bin, work, vpcs))
            servers.append(Moto(work, vpcs))
            rows = []
            for server in servers:
                sequence = itertools.count()
                c = server.client()
                for _ in range(SEEDED):
                    server.write(c, next(sequence))
                for op in ("read", "write"):
                    for n in clients:
                        r = run(server, op, n, args.requests, args.seconds, sequence)
                        call = server.read_call if op == "read" else server.write_call
                        rows.append((server.name, f"{op.upper()} {call}", n, r))
                        print(f"  {server.name:8} {op:5} x{n:<3} {r['n']:5} req  {r['rps']:7.0f} req/s  "
                              f"p50 {r['p50']:6.1f} ms  p99 {r['p99']:6.1f} ms  errors {len(r['errors'])}",
                              file=sys.stderr, flush=True)
                        for e in r["errors"][:3]:
                            print(f"    error: {e}", file=sys.stderr)
        finally:
            for s in servers:
                s.proc.terminate()
                s.proc.wait()

    table = [
        f"Cloud API: {args.requests} requests per setting (or {args.seconds:g} s, whichever ends "
        f"first), {SEEDED} endpoints listed by READ; writes spread over {vpcs} consumer VPCs "
        f"(at most {PER_VPC} each, under Linkyard's 1000-per-VPC quota). Both sides use Python "
        "clients (Linkyard: official alibabacloud_privatelink20200415 V3 SDK; moto: boto3), one "
        "client object and keep-alive connection per thread, on the same machine as the servers, "
        "so high-concurrency figures are partly bound by the Python client (see client CPU/req).",
        "",
        "| Server | Call | Clients | Requests | Errors | req/s | p50 ms | p99 ms | server CPU ms/req | client CPU ms/req |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for op in ("READ", "WRITE"):
        for n in clients:
            for name, call, c, r in rows:
                if c == n and call.startswith(op):
                    table.append(
                        f"| {name} | {call} | {c} | {r['n']} | {len(r['errors'])} | {r['rps']:.0f} | "
                        f"{r['p50']:.1f} | {r['p99']:.1f} | {r['server_cpu']:.2f} | {r['client_cpu']:.2f} |")
    text = "\n".join(table) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    if any(r["errors"] for *_, r in rows):
        sys.exit("some requests failed (see above)")


if __name__ == "__main__":
    main()
