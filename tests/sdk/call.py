"""Calls one cloud API action through the official V3 SDK and prints the answer as JSON.

Used by the browser tests to change things through the API while a console page is open:
    LINKYARD_API=127.0.0.1:3000 .venv/bin/python tests/sdk/call.py contoso CreateVpcEndpoint '{"RegionId": "cn-hangzhou", ...}'
Prints {"Body": <response body, API field names>, "AnsweredMs": <unix ms when the answer
arrived>}; on a refusal prints {"Code": ...} and exits with 3.
"""

import json
import os
import re
import sys
import time

from alibabacloud_privatelink20200415 import models
from alibabacloud_privatelink20200415.client import Client
from alibabacloud_tea_openapi.models import Config

KEYS = {
    "northwind": ("LTAI5tNorthwindDemo01", "northwind-secret-0001"),
    "contoso": ("LTAI5tContosoDemo0001", "contoso-secret-00001"),
    "fabrikam": ("LTAI5tFabrikamDemo001", "fabrikam-secret-0001"),
}


def main(who, action, params):
    key_id, secret = KEYS[who]
    client = Client(Config(access_key_id=key_id, access_key_secret=secret,
                           endpoint=os.environ.get("LINKYARD_API", "127.0.0.1:3000"),
                           protocol="http", region_id="cn-hangzhou"))
    request = getattr(models, action + "Request")().from_map(params)
    method = re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()
    try:
        body = getattr(client, method)(request).body.to_map()
    except Exception as e:  # TeaException carries the API's code
        code = getattr(e, "code", None)
        if code is None:
            raise
        print(json.dumps({"Code": code, "Message": getattr(e, "message", "")}))
        return 3
    print(json.dumps({"Body": body, "AnsweredMs": int(time.time() * 1000)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3] if len(sys.argv) > 3 else "{}")))
