"""Compatibility tests: the REAL official Alibaba Cloud Python SDKs against a running Linkyard.

- V3 SDK `alibabacloud_privatelink20200415` (signature ACS3-HMAC-SHA256, tea-openapi);
- legacy V1 SDK `aliyun-python-sdk-privatelink` (signature HMAC-SHA1, aliyunsdkcore).

Needs `LINKYARD_API=host:port` of a server started on a fresh database with the demo scenario and
`--transition-delay-ms 0` (scripts/test.sh does that). Run:
    LINKYARD_API=127.0.0.1:3000 .venv/bin/python -m unittest -v tests/sdk/test_sdk.py
"""

import importlib
import os
import re
import time
import unittest

from alibabacloud_privatelink20200415 import models
from alibabacloud_privatelink20200415.client import Client
from alibabacloud_tea_openapi.models import Config
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
import json
import logging

API = os.environ.get("LINKYARD_API", "127.0.0.1:3000")
REGION = "cn-hangzhou"
NORTHWIND = ("LTAI5tNorthwindDemo01", "northwind-secret-0001")
CONTOSO = ("LTAI5tContosoDemo0001", "contoso-secret-00001")
FABRIKAM = ("LTAI5tFabrikamDemo001", "fabrikam-secret-0001")
CONTOSO_ID = 1000000000000002
ORDERS = "epsrv-bp1northwindorders01"
CONTOSO_VPC = "vpc-bp1contoso0000000001"
VSW_H = "vsw-bp1contoso000000000h"
VSW_I = "vsw-bp1contoso000000000i"
SG1 = "sg-bp1contoso00000000001"
SG2 = "sg-bp1contoso00000000002"
DOMAIN = "cn-hangzhou.privatelink.aliyuncs.com"
POLL_SECONDS = 5.0

# The legacy core logs every ServerException at ERROR level; the refusals are expected here.
logging.getLogger("aliyunsdkcore").setLevel(logging.CRITICAL)


class Refused(Exception):
    """An error answer, whichever SDK raised it."""

    def __init__(self, sdk, code, status):
        super().__init__(f"{sdk}: {code} (HTTP {status})")
        self.sdk, self.code, self.status = sdk, code, status


def snake(action):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


# ---- V3: alibabacloud_privatelink20200415 ----------------------------------------------------

_v3_clients = {}


def v3_client(who):
    if who not in _v3_clients:
        _v3_clients[who] = Client(Config(access_key_id=who[0], access_key_secret=who[1],
                                         endpoint=API, protocol="http", region_id=REGION))
    return _v3_clients[who]


def v3(who, action, params=None):
    """Calls `action` through the V3 SDK's typed request model (built from API field names) and
    returns the response body as the SDK's model sees it (`to_map`, API field names)."""
    model = getattr(models, action + "Request", None)
    args = [model().from_map(dict(params or {}))] if model else []
    try:
        response = getattr(v3_client(who), snake(action))(*args)
    except Exception as e:  # Tea ClientException / TeaException / UnretryableException
        code = getattr(e, "code", None)
        if code is None:
            raise
        data = getattr(e, "data", None) or {}
        status = getattr(e, "statusCode", None) or data.get("statusCode")
        raise Refused("V3", code, status) from None
    assert response.status_code == 200, response.status_code
    body = response.body.to_map()
    assert isinstance(body.get("RequestId"), str), body
    return body


# ---- V1: aliyun-python-sdk-privatelink (aliyunsdkcore) ---------------------------------------

def v1(who, action, **setters):
    """Calls `action` through the legacy SDK: `<Action>Request` with `set_<Name>(value)` for each
    keyword, sent over HTTP to Linkyard; returns the parsed JSON answer."""
    module = importlib.import_module(f"aliyunsdkprivatelink.request.v20200415.{action}Request")
    request = getattr(module, action + "Request")()
    request.set_endpoint(API)
    request.set_protocol_type("http")
    request.set_accept_format("json")
    for name, value in setters.items():
        getattr(request, "set_" + name)(value)
    client = AcsClient(who[0], who[1], REGION, auto_retry=False, timeout=10)
    try:
        raw = client.do_action_with_exception(request)
    except ServerException as e:
        raise Refused("V1", e.get_error_code(), e.get_http_status()) from None
    body = json.loads(raw)
    assert isinstance(body.get("RequestId"), str), body
    return body


def poll(call, done, what):
    """Calls `call()` until `done(answer)` holds (at most POLL_SECONDS)."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        answer = call()
        if done(answer):
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {answer}")
        time.sleep(0.05)


def poll_refused(call, code, what):
    """Calls `call()` until it is refused with `code` (e.g. the resource is gone)."""
    deadline = time.monotonic() + POLL_SECONDS
    while True:
        try:
            answer = call()
        except Refused as r:
            if r.code == code:
                return r
            raise
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still {answer}")
        time.sleep(0.05)


class Counted(unittest.TestCase):
    """Counts the assertions the flows make (top-level calls only: unittest's own assertEqual on
    lists and dicts calls assertIsInstance inside), so the report shows how much they check."""

    asserts = 0
    _depth = 0

    def refused(self, code, fn, *args, **kwargs):
        with self.assertRaises(Refused) as caught:
            fn(*args, **kwargs)
        self.assertEqual(caught.exception.code, code)
        return caught.exception

    @classmethod
    def tearDownClass(cls):
        print(f"\n{cls.__name__}: {Counted.asserts} flow assertions")


def _counted(name):
    base = getattr(unittest.TestCase, name)

    def method(self, *args, **kwargs):
        if self._depth == 0:
            Counted.asserts += 1
        self._depth += 1
        try:
            return base(self, *args, **kwargs)
        finally:
            self._depth -= 1

    method.__name__ = name
    return method


for _name in ("assertEqual", "assertIs", "assertIsInstance", "assertIn", "assertTrue",
              "assertRaises"):
    setattr(Counted, _name, _counted(_name))


class ProviderConsumerFlow(Counted):
    """The whole provider + consumer life cycle, once through each SDK."""

    def test_flow_v3_sdk(self):
        # Provider publishes an ALB in zone h, manual acceptance.
        created = v3(NORTHWIND, "CreateVpcEndpointService", {
            "RegionId": REGION, "ServiceResourceType": "alb", "AutoAcceptEnabled": False,
            "ServiceDescription": "sdk v3 flow",
            "Resource": [{"ResourceId": "alb-bp1northwind0000001", "ResourceType": "alb",
                          "ZoneId": "cn-hangzhou-h"}],
        })
        sid = created["ServiceId"]
        self.assertTrue(sid.startswith("epsrv-"), sid)
        self.assertIs(created["AutoAcceptEnabled"], False)
        self.assertIn(created["ServiceStatus"], ("Creating", "Active"))
        svc = {"RegionId": REGION, "ServiceId": sid}
        got = poll(lambda: v3(NORTHWIND, "GetVpcEndpointServiceAttribute", svc),
                   lambda v: v["ServiceStatus"] == "Active", "service Active")
        self.assertEqual(got["Zones"], ["cn-hangzhou-h"])
        self.assertEqual(got["ServiceResourceType"], "alb")
        self.assertEqual(got["ServiceType"], "Interface")
        self.assertEqual(got["ServiceDomain"], f"{sid}.{DOMAIN}")
        self.assertIs(got["AutoAcceptEnabled"], False)
        self.assertIsInstance(got["ServiceSupportIPv6"], bool)
        self.assertIsInstance(got["ZoneAffinityEnabled"], bool)
        self.assertIsInstance(got["MaxBandwidth"], int)
        self.assertIsInstance(got["MinBandwidth"], int)
        self.assertTrue("ConnectBandwidth" not in got, "only CLB services read it back")
        resources = v3(NORTHWIND, "ListVpcEndpointServiceResources", svc)
        self.assertIsInstance(resources["MaxResults"], int)
        self.assertEqual([(r["ResourceId"], r["ZoneId"]) for r in resources["Resources"]],
                         [("alb-bp1northwind0000001", "cn-hangzhou-h")])

        # Whitelist Contoso (UserId is a Long in the SDK).
        v3(NORTHWIND, "AddUserToVpcEndpointService", {**svc, "UserId": CONTOSO_ID})
        users = v3(NORTHWIND, "ListVpcEndpointServiceUsers", svc)
        self.assertEqual(users["TotalCount"], "1")
        self.assertEqual(users["Users"][0]["UserId"], CONTOSO_ID)
        self.assertIsInstance(users["Users"][0]["UserId"], int)
        seen = v3(CONTOSO, "ListVpcEndpointServicesByEndUser", {"RegionId": REGION, "ServiceId": sid})
        self.assertIsInstance(seen["TotalCount"], str)
        self.assertEqual([s["ServiceId"] for s in seen["Services"]], [sid])

        # Contoso creates an endpoint in zone h with a fixed ENI address.
        ep = v3(CONTOSO, "CreateVpcEndpoint", {
            "RegionId": REGION, "ServiceId": sid, "VpcId": CONTOSO_VPC, "EndpointName": "sdk-v3",
            "SecurityGroupId": [SG1],
            "Zone": [{"ZoneId": "cn-hangzhou-h", "VSwitchId": VSW_H, "ip": "172.16.1.77"}],
        })
        eid = ep["EndpointId"]
        self.assertTrue(eid.startswith("ep-"), eid)
        self.assertEqual(ep["ServiceId"], sid)
        self.assertEqual(ep["VpcId"], CONTOSO_VPC)
        self.assertEqual(ep["ConnectionStatus"], "Disconnected")
        self.assertIsInstance(ep["Bandwidth"], int)
        self.assertIsInstance(ep["ZoneAffinityEnabled"], bool)
        endpoint = {"RegionId": REGION, "EndpointId": eid}
        poll(lambda: v3(CONTOSO, "GetVpcEndpointAttribute", endpoint),
             lambda v: v["EndpointStatus"] == "Active", "endpoint Active")

        # The provider sees it waiting: Disconnected, zones in Wait, TotalCount a string.
        conn = {"RegionId": REGION, "ServiceId": sid, "EndpointId": eid}
        listed = v3(NORTHWIND, "ListVpcEndpointConnections", conn)
        self.assertEqual(listed["TotalCount"], "1")
        row = listed["Connections"][0]
        self.assertEqual(row["EndpointId"], eid)
        self.assertEqual(row["ConnectionStatus"], "Disconnected")
        self.assertEqual(row["EndpointOwnerId"], CONTOSO_ID)
        self.assertIsInstance(row["EndpointOwnerId"], int)
        self.assertIsInstance(row["Bandwidth"], int)
        self.assertIsInstance(row["ResourceOwner"], bool)
        self.assertEqual([(z["ZoneId"], z["ZoneStatus"]) for z in row["Zones"]],
                         [("cn-hangzhou-h", "Wait")])

        # Accept with a 1024 Mbit/s throttle; a second accept is refused while it is under way.
        v3(NORTHWIND, "EnableVpcEndpointConnection", {**conn, "Bandwidth": 1024})
        self.refused("EndpointConnectionOperationDenied", v3, NORTHWIND,
                     "EnableVpcEndpointConnection", conn)
        listed = poll(lambda: v3(NORTHWIND, "ListVpcEndpointConnections", conn),
                      lambda v: v["Connections"][0]["ConnectionStatus"] == "Connected", "Connected")
        self.assertEqual(listed["Connections"][0]["Bandwidth"], 1024)

        v3(NORTHWIND, "UpdateVpcEndpointConnectionAttribute", {**conn, "Bandwidth": 1000})
        poll(lambda: v3(NORTHWIND, "ListVpcEndpointConnections", conn),
             lambda v: v["Connections"][0]["ConnectionStatus"] == "Connected", "Connected again")

        # The consumer reads the result.
        got = poll(lambda: v3(CONTOSO, "GetVpcEndpointAttribute", endpoint),
                   lambda v: v["EndpointStatus"] == "Active", "endpoint Active after update")
        self.assertEqual(got["Bandwidth"], 1000)
        self.assertIsInstance(got["Bandwidth"], int)
        self.assertEqual(got["ConnectionStatus"], "Connected")
        self.assertEqual(got["EndpointDomain"], f"{eid}.{sid}.{DOMAIN}")
        self.assertEqual(got["EndpointType"], "Interface")
        self.assertEqual(got["ServiceId"], sid)
        self.assertEqual(got["RegionId"], REGION)
        self.assertIsInstance(got["ResourceOwner"], bool)
        self.assertIsInstance(got["ZoneAffinityEnabled"], bool)
        self.assertIsInstance(got["ZonePrivateIpAddressCount"], int)
        zones = v3(CONTOSO, "ListVpcEndpointZones", endpoint)
        self.assertEqual(zones["TotalCount"], 1)
        zone = zones["Zones"][0]
        self.assertEqual(zone["ZoneDomain"], f"{eid}-cn-hangzhou-h.{sid}.{DOMAIN}")
        self.assertEqual(zone["EniIp"], "172.16.1.77")
        self.assertEqual(zone["VSwitchId"], VSW_H)
        self.assertTrue(zone["EniId"].startswith("eni-"), zone["EniId"])
        sgs = v3(CONTOSO, "ListVpcEndpointSecurityGroups", endpoint)
        self.assertEqual([g["SecurityGroupId"] for g in sgs["SecurityGroups"]], [SG1])
        self.assertIsInstance(sgs["TotalCount"], int)

        # Disconnect: the row stays listed as Disconnected.
        v3(NORTHWIND, "DisableVpcEndpointConnection", conn)
        listed = poll(lambda: v3(NORTHWIND, "ListVpcEndpointConnections", conn),
                      lambda v: v["Connections"][0]["ConnectionStatus"] == "Disconnected",
                      "Disconnected")
        self.assertEqual(listed["TotalCount"], "1")
        self.assertEqual(len(listed["Connections"]), 1)

        # Tear down.
        v3(CONTOSO, "DeleteVpcEndpoint", endpoint)
        poll_refused(lambda: v3(CONTOSO, "GetVpcEndpointAttribute", endpoint),
                     "EndpointNotFound", "endpoint gone")
        v3(NORTHWIND, "DeleteVpcEndpointService", svc)
        poll_refused(lambda: v3(NORTHWIND, "GetVpcEndpointServiceAttribute", svc),
                     "EndpointServiceNotFound", "service gone")

    def test_flow_v1_legacy_sdk(self):
        # Provider publishes a CLB (zone i), manual acceptance.
        created = v1(NORTHWIND, "CreateVpcEndpointService", ServiceResourceType="slb", AutoAcceptEnabled=False,
                     ServiceDescription="sdk v1 flow",
                     Resources=[{"ResourceId": "lb-bp1northwind00000002", "ResourceType": "slb",
                                 "ZoneId": "cn-hangzhou-i"}])
        sid = created["ServiceId"]
        self.assertTrue(sid.startswith("epsrv-"), sid)
        self.assertIs(created["AutoAcceptEnabled"], False)
        got = poll(lambda: v1(NORTHWIND, "GetVpcEndpointServiceAttribute", ServiceId=sid),
                   lambda v: v["ServiceStatus"] == "Active", "service Active")
        self.assertEqual(got["Zones"], ["cn-hangzhou-i"])
        self.assertEqual(got["ServiceResourceType"], "slb")
        self.assertEqual(got["ServiceDomain"], f"{sid}.{DOMAIN}")
        self.assertIsInstance(got["ConnectBandwidth"], int)
        self.assertIsInstance(got["AutoAcceptEnabled"], bool)
        self.assertIsInstance(got["ServiceSupportIPv6"], bool)

        v1(NORTHWIND, "AddUserToVpcEndpointService", ServiceId=sid,
           UserARN=f"acs:ram:*:{CONTOSO_ID}:*")
        users = v1(NORTHWIND, "ListVpcEndpointServiceUsers", ServiceId=sid)
        self.assertEqual(users["TotalCount"], "1")
        self.assertEqual(users["Users"][0]["UserId"], CONTOSO_ID)

        ep = v1(CONTOSO, "CreateVpcEndpoint", ServiceId=sid, VpcId=CONTOSO_VPC,
                EndpointName="sdk-v1", SecurityGroupIds=[SG1, SG2],
                Zones=[{"ZoneId": "cn-hangzhou-i", "VSwitchId": VSW_I}])
        eid = ep["EndpointId"]
        self.assertTrue(eid.startswith("ep-"), eid)
        self.assertEqual(ep["ConnectionStatus"], "Disconnected")
        poll(lambda: v1(CONTOSO, "GetVpcEndpointAttribute", EndpointId=eid),
             lambda v: v["EndpointStatus"] == "Active", "endpoint Active")

        def connections():
            return v1(NORTHWIND, "ListVpcEndpointConnections", ServiceId=sid,
                      EndpointId=eid)

        listed = connections()
        self.assertEqual(listed["TotalCount"], "1")
        row = listed["Connections"][0]
        self.assertEqual(row["ConnectionStatus"], "Disconnected")
        self.assertEqual(row["EndpointOwnerId"], CONTOSO_ID)
        self.assertEqual([(z["ZoneId"], z["ZoneStatus"]) for z in row["Zones"]],
                         [("cn-hangzhou-i", "Wait")])

        v1(NORTHWIND, "EnableVpcEndpointConnection", ServiceId=sid,
           EndpointId=eid, Bandwidth=1024)
        listed = poll(connections,
                      lambda v: v["Connections"][0]["ConnectionStatus"] == "Connected", "Connected")
        self.assertEqual(listed["Connections"][0]["Bandwidth"], 1024)
        # A service with a connected endpoint cannot be deleted.
        self.refused("EndpointServiceConnectionDependence", v1, NORTHWIND,
                     "DeleteVpcEndpointService", ServiceId=sid)

        v1(NORTHWIND, "UpdateVpcEndpointConnectionAttribute", ServiceId=sid,
           EndpointId=eid, Bandwidth=1000)
        poll(connections,
             lambda v: v["Connections"][0]["ConnectionStatus"] == "Connected", "Connected again")

        got = poll(lambda: v1(CONTOSO, "GetVpcEndpointAttribute", EndpointId=eid),
                   lambda v: v["EndpointStatus"] == "Active", "endpoint Active after update")
        self.assertEqual(got["Bandwidth"], 1000)
        self.assertIsInstance(got["Bandwidth"], int)
        self.assertEqual(got["ConnectionStatus"], "Connected")
        self.assertEqual(got["EndpointDomain"], f"{eid}.{sid}.{DOMAIN}")
        self.assertIsInstance(got["ResourceOwner"], bool)
        self.assertIsInstance(got["ZonePrivateIpAddressCount"], int)
        zones = v1(CONTOSO, "ListVpcEndpointZones", EndpointId=eid)
        self.assertEqual(zones["TotalCount"], 1)
        zone = zones["Zones"][0]
        self.assertEqual(zone["ZoneDomain"], f"{eid}-cn-hangzhou-i.{sid}.{DOMAIN}")
        self.assertTrue(zone["EniIp"].startswith("172.16.2."), zone["EniIp"])
        self.assertIsInstance(zone["ZoneIpv6Address"], str)
        sgs = v1(CONTOSO, "ListVpcEndpointSecurityGroups", EndpointId=eid)
        self.assertEqual(sorted(g["SecurityGroupId"] for g in sgs["SecurityGroups"]), [SG1, SG2])

        v1(NORTHWIND, "DisableVpcEndpointConnection", ServiceId=sid,
           EndpointId=eid)
        listed = poll(connections,
                      lambda v: v["Connections"][0]["ConnectionStatus"] == "Disconnected",
                      "Disconnected")
        self.assertEqual(listed["TotalCount"], "1")

        v1(CONTOSO, "DeleteVpcEndpoint", EndpointId=eid)
        poll_refused(lambda: v1(CONTOSO, "GetVpcEndpointAttribute", EndpointId=eid),
                     "EndpointNotFound", "endpoint gone")
        v1(NORTHWIND, "DeleteVpcEndpointService", ServiceId=sid)
        poll_refused(lambda: v1(NORTHWIND, "GetVpcEndpointServiceAttribute", ServiceId=sid),
                     "EndpointServiceNotFound", "service gone")


class TagsGroupsAndRetries(Counted):
    """Tags, resource groups, ClientToken idempotency and resource allocation, through the SDKs."""

    def test_tags_v3_and_v1(self):
        region = {"RegionId": REGION}
        svc = {**region, "ResourceType": "VpcEndpointService", "ResourceId": [ORDERS]}
        v3(NORTHWIND, "TagResources", {**svc, "Tag": [{"Key": "team", "Value": "orders"},
                                                      {"Key": "env", "Value": "demo"}]})
        # The legacy SDK tags too (it has no ListTagResources / UntagResources).
        v1(NORTHWIND, "TagResources", ResourceType="vpcendpointservice", ResourceId=[ORDERS],
           Tag=[{"Key": "owner", "Value": "northwind"}])
        rows = v3(NORTHWIND, "ListTagResources", svc)["TagResources"]
        self.assertEqual(sorted((r["TagKey"], r["TagValue"]) for r in rows),
                         [("env", "demo"), ("owner", "northwind"), ("team", "orders")])
        self.assertEqual({r["ResourceType"] for r in rows}, {"VpcEndpointService"})
        # A tag filter (key only matches any value) finds the service; lists filter and show tags.
        by_tag = v3(NORTHWIND, "ListTagResources", {
            **region, "ResourceType": "vpcendpointservice", "Tag": [{"Key": "team"}]})
        self.assertEqual({r["ResourceId"] for r in by_tag["TagResources"]}, {ORDERS})
        self.assertEqual(by_tag.get("NextToken") or "", "")
        listed = v3(NORTHWIND, "ListVpcEndpointServices",
                    {**region, "Tag": [{"Key": "team", "Value": "orders"}]})["Services"]
        self.assertEqual([x["ServiceId"] for x in listed], [ORDERS])
        self.assertIn({"Key": "team", "Value": "orders"}, listed[0]["Tags"])
        # Overwrite, then remove.
        v3(NORTHWIND, "TagResources", {**svc, "Tag": [{"Key": "env", "Value": "prod"}]})
        v3(NORTHWIND, "UntagResources", {**svc, "TagKey": ["team", "owner"]})
        rows = v3(NORTHWIND, "ListTagResources", svc)["TagResources"]
        self.assertEqual([(r["TagKey"], r["TagValue"]) for r in rows], [("env", "prod")])
        # Refusals change nothing.
        self.refused("TagInfoNotExist", v3, NORTHWIND, "UntagResources", {**svc, "TagKey": ["team"]})
        self.refused("InvalidResourceId.NotFound", v3, CONTOSO, "TagResources",
                     {**svc, "Tag": [{"Key": "mine", "Value": "now"}]})
        self.refused("IllegalTagKeyParam", v3, NORTHWIND, "TagResources",
                     {**svc, "Tag": [{"Key": "aliyun:reserved", "Value": "x"}]})
        self.refused("QuotaExceed.TagsPerResource", v3, NORTHWIND, "TagResources",
                     {**svc, "Tag": [{"Key": f"k{i}", "Value": "v"} for i in range(20)]})
        self.refused("MissingResourceIdOrTagParam", v3, NORTHWIND, "ListTagResources",
                     {**region, "ResourceType": "VpcEndpointService"})
        self.refused("DryRunOperation", v3, NORTHWIND, "UntagResources",
                     {**svc, "All": True, "DryRun": True})
        rows = v3(NORTHWIND, "ListTagResources", svc)["TagResources"]
        self.assertEqual([(r["TagKey"], r["TagValue"]) for r in rows], [("env", "prod")])
        v3(NORTHWIND, "UntagResources", {**svc, "All": True})
        self.assertEqual(v3(NORTHWIND, "ListTagResources", svc)["TagResources"], [])

    def test_resource_group_v3(self):
        before = v3(NORTHWIND, "GetVpcEndpointServiceAttribute",
                    {"RegionId": REGION, "ServiceId": ORDERS})["ResourceGroupId"]
        self.assertTrue(before.startswith("rg-"))
        v3(NORTHWIND, "ChangeResourceGroup", {"ResourceId": ORDERS, "ResourceType": "VpcEndpointService",
                                              "ResourceGroupId": "rg-aek2platform001"})
        got = v3(NORTHWIND, "GetVpcEndpointServiceAttribute", {"RegionId": REGION, "ServiceId": ORDERS})
        self.assertEqual(got["ResourceGroupId"], "rg-aek2platform001")
        self.refused("InvalidResourceGroup", v3, NORTHWIND, "ChangeResourceGroup",
                     {"ResourceId": ORDERS, "ResourceType": "VpcEndpointService",
                      "ResourceGroupId": "not-a-group"})
        self.refused("ResourceNotFound", v3, CONTOSO, "ChangeResourceGroup",
                     {"ResourceId": ORDERS, "ResourceType": "VpcEndpointService",
                      "ResourceGroupId": "rg-aek2contoso0001"})
        v3(NORTHWIND, "ChangeResourceGroup", {"ResourceId": ORDERS, "ResourceType": "VpcEndpointService",
                                              "ResourceGroupId": before})
        listed = v3(NORTHWIND, "ListVpcEndpointServices", {"RegionId": REGION, "ResourceGroupId": before})
        self.assertIn(ORDERS, [x["ServiceId"] for x in listed["Services"]])

    def test_client_token_replays_a_create(self):
        token = f"retry-{time.time_ns()}"
        params = {"RegionId": REGION, "ClientToken": token, "ServiceResourceType": "slb",
                  "ServiceDescription": "retried create",
                  "Resource": [{"ResourceId": "lb-bp1northwind00000002", "ResourceType": "slb",
                                "ZoneId": "cn-hangzhou-i"}]}
        first = v3(NORTHWIND, "CreateVpcEndpointService", params)
        again = v3(NORTHWIND, "CreateVpcEndpointService", params)
        self.assertEqual(again["ServiceId"], first["ServiceId"])
        self.assertEqual(again["ServiceName"], first["ServiceName"])
        self.assertTrue(again["RequestId"] != first["RequestId"])
        # The legacy SDK's retry (new nonce and timestamp, same token) is the same request too.
        legacy = v1(NORTHWIND, "CreateVpcEndpointService", ClientToken=token,
                    ServiceResourceType="slb", ServiceDescription="retried create",
                    Resources=[{"ResourceId": "lb-bp1northwind00000002", "ResourceType": "slb",
                                "ZoneId": "cn-hangzhou-i"}])
        self.assertEqual(legacy["ServiceId"], first["ServiceId"])
        self.refused("IdempotentParameterMismatch", v3, NORTHWIND, "CreateVpcEndpointService",
                     {**params, "ServiceDescription": "something else"})
        listed = v3(NORTHWIND, "ListVpcEndpointServices",
                    {"RegionId": REGION, "ResourceId": "lb-bp1northwind00000002"})
        self.assertEqual([x["ServiceId"] for x in listed["Services"]], [first["ServiceId"]])
        poll(lambda: v3(NORTHWIND, "GetVpcEndpointServiceAttribute",
                        {"RegionId": REGION, "ServiceId": first["ServiceId"]}),
             lambda v: v["ServiceStatus"] == "Active", "retried service active")
        # A delete with a token runs once; its retry answers the same success.
        delete = {"RegionId": REGION, "ServiceId": first["ServiceId"], "ClientToken": token + "-d"}
        v3(NORTHWIND, "DeleteVpcEndpointService", delete)
        v3(NORTHWIND, "DeleteVpcEndpointService", delete)
        poll_refused(lambda: v3(NORTHWIND, "GetVpcEndpointServiceAttribute",
                                {"RegionId": REGION, "ServiceId": first["ServiceId"]}),
                     "EndpointServiceNotFound", "retried service deleted")

    def test_resource_allocation_v3(self):
        orders = {"RegionId": REGION, "ServiceId": ORDERS}
        resources = v3(NORTHWIND, "ListVpcEndpointServiceResources", orders)["Resources"]
        first = resources[0]
        self.assertIs(first["AutoAllocatedEnabled"], True)
        # The only resource of its zone must stay automatically allocated.
        self.refused("ResourceAutoAllocateViolation", v3, NORTHWIND,
                     "UpdateVpcEndpointServiceResourceAttribute",
                     {**orders, "ResourceId": first["ResourceId"], "ZoneId": first["ZoneId"],
                      "AutoAllocatedEnabled": False})
        self.refused("EndpointServiceResourceNotFound", v3, NORTHWIND,
                     "UpdateVpcEndpointServiceResourceAttribute",
                     {**orders, "ResourceId": "nlb-doesnotexist", "AutoAllocatedEnabled": False})
        self.refused("MissingParam.ResourceAllocateMode", v1, NORTHWIND,
                     "UpdateVpcEndpointZoneConnectionResourceAttribute", ServiceId=ORDERS,
                     EndpointId="ep-bp1doesnotexist00001", ZoneId="cn-hangzhou-h")


class Refusals(unittest.TestCase):
    """Table-driven refusals with their exact codes and HTTP statuses, through both SDKs."""

    def setUp(self):
        # A connected Contoso endpoint on Northwind's orders service (NLB, manual accept), with
        # one security group: the state several refusals need.
        ep = v3(CONTOSO, "CreateVpcEndpoint", {
            "RegionId": REGION, "ServiceId": ORDERS, "VpcId": CONTOSO_VPC,
            "EndpointName": "refusals", "SecurityGroupId": [SG1],
            "Zone": [{"ZoneId": "cn-hangzhou-h", "VSwitchId": VSW_H}],
        })
        self.eid = ep["EndpointId"]
        v3(NORTHWIND, "EnableVpcEndpointConnection",
           {"RegionId": REGION, "ServiceId": ORDERS, "EndpointId": self.eid})
        poll(lambda: v3(CONTOSO, "GetVpcEndpointAttribute",
                        {"RegionId": REGION, "EndpointId": self.eid}),
             lambda v: v["EndpointStatus"] == "Active" and v["ConnectionStatus"] == "Connected",
             "refusal endpoint connected")

    def tearDown(self):
        try:
            v3(CONTOSO, "DeleteVpcEndpoint", {"RegionId": REGION, "EndpointId": self.eid})
        except Refused:
            pass

    def test_refusals(self):
        eid = self.eid
        region = {"RegionId": REGION}
        orders = {"RegionId": REGION, "ServiceId": ORDERS}
        conn = {**orders, "EndpointId": eid}
        new_ep = {**orders, "VpcId": CONTOSO_VPC, "SecurityGroupId": [SG1]}
        v1_ep = dict(ServiceId=ORDERS, VpcId=CONTOSO_VPC, SecurityGroupIds=[SG1])
        alb_h = [{"ResourceId": "alb-bp1northwind0000001", "ResourceType": "alb",
                  "ZoneId": "cn-hangzhou-h"}]
        bad_secret = (CONTOSO[0], "not-the-secret")
        nobody = ("LTAI5tNobody000000001", "whatever")

        # (description, call, expected code, expected HTTP status)
        cases = [
            # -- cross-account access: other accounts' resources are invisible
            ("V3 Contoso reads Northwind's service",
             lambda: v3(CONTOSO, "GetVpcEndpointServiceAttribute", orders),
             "EndpointServiceNotFound", 400),
            ("V1 Contoso updates Northwind's service",
             lambda: v1(CONTOSO, "UpdateVpcEndpointServiceAttribute", ServiceId=ORDERS, ServiceDescription="mine now"),
             "EndpointServiceNotFound", 400),
            ("V3 Contoso deletes Northwind's service",
             lambda: v3(CONTOSO, "DeleteVpcEndpointService", orders),
             "EndpointServiceNotFound", 400),
            ("V1 Contoso lists Northwind's service users",
             lambda: v1(CONTOSO, "ListVpcEndpointServiceUsers", ServiceId=ORDERS),
             "EndpointServiceNotFound", 400),
            ("V3 Contoso accepts its own connection on Northwind's service",
             lambda: v3(CONTOSO, "EnableVpcEndpointConnection", conn),
             "EndpointServiceNotFound", 400),
            ("V1 Northwind reads Contoso's endpoint",
             lambda: v1(NORTHWIND, "GetVpcEndpointAttribute", EndpointId=eid),
             "EndpointNotFound", 400),
            ("V3 Northwind deletes Contoso's endpoint",
             lambda: v3(NORTHWIND, "DeleteVpcEndpoint", {**region, "EndpointId": eid}),
             "EndpointNotFound", 400),
            ("V1 Contoso reads an endpoint that does not exist",
             lambda: v1(CONTOSO, "ListVpcEndpointZones", EndpointId="ep-bp1doesnotexist00001"),
             "EndpointNotFound", 400),
            # -- not whitelisted
            ("V3 Fabrikam creates an endpoint to a service that does not whitelist it",
             lambda: v3(FABRIKAM, "CreateVpcEndpoint", {
                 **orders, "VpcId": "vpc-bp1fabrikam000000001",
                 "SecurityGroupId": ["sg-bp1fabrikam0000000001"]}),
             "EndpointServiceNotAuthorized", 400),
            ("V1 Fabrikam creates an endpoint to a service that does not whitelist it",
             lambda: v1(FABRIKAM, "CreateVpcEndpoint", ServiceId=ORDERS,
                        VpcId="vpc-bp1fabrikam000000001",
                        SecurityGroupIds=["sg-bp1fabrikam0000000001"]),
             "EndpointServiceNotAuthorized", 400),
            # -- wrong state
            ("V3 accept an already connected connection",
             lambda: v3(NORTHWIND, "EnableVpcEndpointConnection", conn),
             "EndpointConnectionOperationDenied", 400),
            ("V1 delete a service with a connected endpoint",
             lambda: v1(NORTHWIND, "DeleteVpcEndpointService", ServiceId=ORDERS),
             "EndpointServiceConnectionDependence", 400),
            ("V3 detach the endpoint's last security group",
             lambda: v3(CONTOSO, "DetachSecurityGroupFromVpcEndpoint",
                        {**region, "EndpointId": eid, "SecurityGroupId": SG1}),
             "EndpointMustContainSecurityGroup", 400),
            ("V1 attach a security group that is already attached",
             lambda: v1(CONTOSO, "AttachSecurityGroupToVpcEndpoint", EndpointId=eid, SecurityGroupId=SG1),
             "SecurityGroupExist", 400),
            # -- bad parameters
            ("V3 GetVpcEndpointServiceAttribute without ServiceId",
             lambda: v3(NORTHWIND, "GetVpcEndpointServiceAttribute", region),
             "MissingParam.ServiceId", 400),
            ("V1 GetVpcEndpointServiceAttribute without ServiceId",
             lambda: v1(NORTHWIND, "GetVpcEndpointServiceAttribute", ),
             "MissingParam.ServiceId", 400),
            ("V3 connection Bandwidth 99",
             lambda: v3(NORTHWIND, "UpdateVpcEndpointConnectionAttribute",
                        {**conn, "Bandwidth": 99}),
             "IllegalParamFormat.Bandwidth", 400),
            ("V1 service ConnectBandwidth 99",
             lambda: v1(NORTHWIND, "UpdateVpcEndpointServiceAttribute", ServiceId=ORDERS, ConnectBandwidth=99),
             "IllegalParamFormat.ConnectBandwidth", 400),
            ("V3 ListVpcEndpointServices MaxResults 1001",
             lambda: v3(NORTHWIND, "ListVpcEndpointServices", {**region, "MaxResults": 1001}),
             "IllegalParamFormat.MaxResults", 400),
            ("V3 the same zone twice",
             lambda: v3(CONTOSO, "CreateVpcEndpoint", {**new_ep, "Zone": [
                 {"ZoneId": "cn-hangzhou-h", "VSwitchId": VSW_H},
                 {"ZoneId": "cn-hangzhou-h", "VSwitchId": VSW_H}]}),
             "EndpointZoneDuplicated", 400),
            ("V1 an interface endpoint without a security group",
             lambda: v1(CONTOSO, "CreateVpcEndpoint", ServiceId=ORDERS,
                        VpcId=CONTOSO_VPC),
             "EndpointMustContainSecurityGroup", 400),
            ("V3 EndpointType GatewayLoadBalancer for an NLB service",
             lambda: v3(CONTOSO, "CreateVpcEndpoint",
                        {**new_ep, "EndpointType": "GatewayLoadBalancer"}),
             "Mismatch.EndpointType", 400),
            ("V1 a CLB resource for an ALB service",
             lambda: v1(NORTHWIND, "CreateVpcEndpointService", ServiceResourceType="alb",
                        Resources=[{"ResourceId": "lb-bp1northwind00000001",
                                    "ResourceType": "slb"}]),
             "Mismatch.ResourceType", 400),
            ("V3 a load balancer in a zone it does not serve",
             lambda: v3(NORTHWIND, "CreateVpcEndpointService", {
                 **region, "ServiceResourceType": "slb",
                 "Resource": [{"ResourceId": "lb-bp1northwind00000001", "ResourceType": "slb",
                               "ZoneId": "cn-hangzhou-i"}]}),
             "EndpointServiceNotSupportedZone", 400),
            ("V1 an endpoint zone the service does not offer",
             lambda: v1(CONTOSO, "CreateVpcEndpoint", **v1_ep,
                        Zones=[{"ZoneId": "cn-hangzhou-j", "VSwitchId": VSW_H}]),
             "EndpointServiceNotSupportedZone", 400),
            ("V3 a vSwitch of another zone",
             lambda: v3(CONTOSO, "CreateVpcEndpoint", {**new_ep, "Zone": [
                 {"ZoneId": "cn-hangzhou-h", "VSwitchId": VSW_I}]}),
             "VSwitchNotFound", 400),
            ("V1 an ENI address outside the vSwitch",
             lambda: v1(CONTOSO, "CreateVpcEndpoint", **v1_ep,
                        Zones=[{"ZoneId": "cn-hangzhou-h", "VSwitchId": VSW_H,
                                "ip": "10.9.9.9"}]),
             "EniIpUnavailable", 400),
            ("V3 whitelist without UserId or UserARN",
             lambda: v3(NORTHWIND, "AddUserToVpcEndpointService", orders),
             "MissingParam.UserArn", 400),
            ("V1 UserId and UserARN naming different accounts",
             lambda: v1(NORTHWIND, "AddUserToVpcEndpointService", ServiceId=ORDERS, UserId=CONTOSO_ID,
                        UserARN="acs:ram:*:1000000000000003:*"),
             "Mismatch.UserIdAndUserArn", 400),
            ("V3 CreateVpcEndpoint DryRun=True",
             lambda: v3(CONTOSO, "CreateVpcEndpoint", {**new_ep, "DryRun": True}),
             "DryRunOperation", 400),
            ("V1 CreateVpcEndpointService DryRun=True",
             lambda: v1(NORTHWIND, "CreateVpcEndpointService", ServiceResourceType="alb", Resources=alb_h, DryRun=True),
             "DryRunOperation", 400),
            # -- signatures and keys
            ("V3 wrong AccessKey secret",
             lambda: v3(bad_secret, "DescribeRegions", region),
             "SignatureDoesNotMatch", 400),
            # The legacy core compares the server's string-to-sign (in the message) with its own
            # and, when they agree, reports the secret itself as wrong.
            ("V1 wrong AccessKey secret",
             lambda: v1(bad_secret, "DescribeRegions", ),
             "InvalidAccessKeySecret", 400),
            ("V3 unknown AccessKey",
             lambda: v3(nobody, "CheckProductOpen"),
             "InvalidAccessKeyId.NotFound", 404),
            ("V1 unknown AccessKey",
             lambda: v1(nobody, "CheckProductOpen"),
             "InvalidAccessKeyId.NotFound", 404),
        ]

        services_before = v3(NORTHWIND, "ListVpcEndpointServices", region)["TotalCount"]
        failures = []
        for what, call, code, status in cases:
            try:
                answer = call()
            except Refused as r:
                if (r.code, r.status) != (code, status):
                    failures.append(f"{what}: {r.sdk} answered {r.code} (HTTP {r.status}), "
                                    f"expected {code} (HTTP {status})")
                continue
            failures.append(f"{what}: succeeded ({answer}), expected {code}")
        sdks = {what.split()[0] for what, *_ in cases}
        print(f"\n{len(cases)} refusals checked ({len(cases) - len(failures)} as expected) "
              f"through {' and '.join(sorted(sdks))}")
        self.assertEqual(failures, [])
        self.assertGreaterEqual(len(cases), 25)
        # None of the refused calls changed anything: the endpoint is still connected, the
        # service still has it, and no service was created by a refused or dry-run call.
        got = v3(CONTOSO, "GetVpcEndpointAttribute", {**region, "EndpointId": eid})
        self.assertEqual(got["ConnectionStatus"], "Connected")
        after = v3(NORTHWIND, "ListVpcEndpointServices", region)["TotalCount"]
        self.assertEqual(after, services_before)

if __name__ == "__main__":
    unittest.main(verbosity=2)
