//! The cloud API over real HTTP: signed requests (V3 and V1) through the whole router, a provider
//! and consumer flow, JSON types, paging, DryRun and the gateway/product refusals.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use common::*;
use linkyard::openapi::sign;
use serde_json::Value;

use common::api::{
    Answer, CONTOSO, FABRIKAM, NORTHWIND, ORDERS, REGION, nonce, now_iso, pairs,
    v3_request_at as v3_request,
};

/// Common V1 parameters (the business ones are added by the caller).
fn v1_common(key: &str, action: &str) -> Vec<(String, String)> {
    pairs(&[
        ("Action", action),
        ("Version", "2020-04-15"),
        ("Format", "JSON"),
        ("AccessKeyId", key),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureType", ""),
        ("SignatureNonce", &nonce()),
        ("Timestamp", &now_iso(0)),
    ])
}

async fn send(app: &TestApp, req: Request<Body>) -> Answer {
    common::api::send(&app.router, req).await
}

async fn call(app: &TestApp, who: (&str, &str), action: &str, params: &[(&str, &str)]) -> Answer {
    let req = v3_request(who, action, params, &now_iso(0), &nonce());
    send(app, req).await
}

/// Calls until `done` holds, settling due transitions between calls.
async fn poll(
    app: &TestApp,
    who: (&str, &str),
    action: &str,
    params: &[(&str, &str)],
    done: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..20 {
        let v = call(app, who, action, params).await.ok();
        if done(&v) {
            return v;
        }
        app.ops.advance_due().await.unwrap();
    }
    panic!("{action} never reached the expected state");
}

#[tokio::test]
async fn provider_and_consumer_flow() {
    let app = demo_app().await;
    let created = call(
        &app,
        NORTHWIND,
        "CreateVpcEndpointService",
        &[
            REGION,
            ("ServiceResourceType", "alb"),
            ("Resource.1.ResourceId", "alb-bp1northwind0000001"),
            ("Resource.1.ResourceType", "alb"),
            ("Resource.1.ZoneId", "cn-hangzhou-h"),
            ("Resource.2.ResourceId", "alb-bp1northwind0000001"),
            ("Resource.2.ResourceType", "alb"),
            ("Resource.2.ZoneId", "cn-hangzhou-i"),
            ("AutoAcceptEnabled", "False"),
            ("ServiceDescription", "web over alb"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "web"),
        ],
    )
    .await
    .ok();
    let sid = created["ServiceId"].as_str().unwrap().to_owned();
    assert_eq!(created["AutoAcceptEnabled"], false);
    let svc = [REGION, ("ServiceId", sid.as_str())];
    let got = poll(
        &app,
        NORTHWIND,
        "GetVpcEndpointServiceAttribute",
        &svc,
        |v| v["ServiceStatus"] == "Active",
    )
    .await;
    assert_eq!(
        got["Zones"],
        serde_json::json!(["cn-hangzhou-h", "cn-hangzhou-i"])
    );
    assert_eq!(got["ServiceResourceType"], "alb");
    assert!(
        got.get("ConnectBandwidth").is_none(),
        "only CLB reads it back"
    );

    let res = call(&app, NORTHWIND, "ListVpcEndpointServiceResources", &svc)
        .await
        .ok();
    assert_eq!(res["Resources"].as_array().unwrap().len(), 2);
    assert_eq!(res["Resources"][0]["ZoneId"], "cn-hangzhou-h");
    assert!(res["TotalCount"].is_number());

    let user = [REGION, ("ServiceId", sid.as_str()), ("UserId", CONSUMER.0)];
    call(&app, NORTHWIND, "AddUserToVpcEndpointService", &user)
        .await
        .ok();
    let users = call(&app, NORTHWIND, "ListVpcEndpointServiceUsers", &user)
        .await
        .ok();
    assert_eq!(users["TotalCount"], "1");
    assert_eq!(users["Users"][0]["UserId"], 1000000000000002_i64);
    assert_eq!(users["NextToken"], "");
    let arns = call(
        &app,
        NORTHWIND,
        "ListVpcEndpointServiceUsers",
        &[
            REGION,
            ("ServiceId", sid.as_str()),
            ("UserListType", "UserARNs"),
        ],
    )
    .await
    .ok();
    assert_eq!(
        arns["UserARNs"][0]["UserARN"],
        "acs:ram:*:1000000000000002:*"
    );

    let ep = call(
        &app,
        CONTOSO,
        "CreateVpcEndpoint",
        &[
            REGION,
            ("ServiceId", sid.as_str()),
            ("VpcId", "vpc-bp1contoso0000000001"),
            ("EndpointName", "web"),
            ("SecurityGroupId.1", "sg-bp1contoso00000000001"),
            ("Zone.1.ZoneId", "cn-hangzhou-h"),
            ("Zone.1.VSwitchId", "vsw-bp1contoso000000000h"),
            ("Zone.1.ip", "172.16.1.50"),
            ("Zone.2.ZoneId", "cn-hangzhou-i"),
            ("Zone.2.VSwitchId", "vsw-bp1contoso000000000i"),
        ],
    )
    .await
    .ok();
    let eid = ep["EndpointId"].as_str().unwrap().to_owned();
    assert_eq!(ep["ServiceId"], sid.as_str());
    let ep_params = [REGION, ("EndpointId", eid.as_str())];
    poll(&app, CONTOSO, "GetVpcEndpointAttribute", &ep_params, |v| {
        v["EndpointStatus"] == "Active"
    })
    .await;

    let conn = [
        REGION,
        ("ServiceId", sid.as_str()),
        ("EndpointId", eid.as_str()),
    ];
    let listed = call(&app, NORTHWIND, "ListVpcEndpointConnections", &conn)
        .await
        .ok();
    assert_eq!(listed["TotalCount"], "1");
    let row = &listed["Connections"][0];
    assert_eq!(row["ConnectionStatus"], "Disconnected");
    assert_eq!(row["EndpointOwnerId"], 1000000000000002_i64);
    let zones = row["Zones"].as_array().unwrap();
    assert_eq!(zones.len(), 2);
    assert!(zones.iter().all(|z| z["ZoneStatus"] == "Wait"), "{row}");

    let mut enable = conn.to_vec();
    enable.push(("Bandwidth", "1024"));
    call(&app, NORTHWIND, "EnableVpcEndpointConnection", &enable)
        .await
        .ok();
    let listed = poll(&app, NORTHWIND, "ListVpcEndpointConnections", &conn, |v| {
        v["Connections"][0]["ConnectionStatus"] == "Connected"
    })
    .await;
    assert_eq!(listed["Connections"][0]["Bandwidth"], 1024);

    let mut update = conn.to_vec();
    update.push(("Bandwidth", "1000"));
    call(
        &app,
        NORTHWIND,
        "UpdateVpcEndpointConnectionAttribute",
        &update,
    )
    .await
    .ok();
    poll(&app, NORTHWIND, "ListVpcEndpointConnections", &conn, |v| {
        v["Connections"][0]["ConnectionStatus"] == "Connected"
    })
    .await;

    let got = call(&app, CONTOSO, "GetVpcEndpointAttribute", &ep_params)
        .await
        .ok();
    assert_eq!(got["Bandwidth"], 1000);
    assert_eq!(got["ConnectionStatus"], "Connected");
    let domain = got["EndpointDomain"].as_str().unwrap();
    assert!(
        domain.starts_with(&format!("{eid}.{sid}.cn-hangzhou.privatelink")),
        "{domain}"
    );
    let zl = call(&app, CONTOSO, "ListVpcEndpointZones", &ep_params)
        .await
        .ok();
    assert_eq!(zl["TotalCount"], 2);
    let h = &zl["Zones"][0];
    assert_eq!(h["EniIp"], "172.16.1.50");
    assert!(h["ZoneIpv6Address"].is_string());
    assert_eq!(
        h["ZoneDomain"],
        format!("{eid}-cn-hangzhou-h.{sid}.cn-hangzhou.privatelink.aliyuncs.com")
    );
    let sgs = call(&app, CONTOSO, "ListVpcEndpointSecurityGroups", &ep_params)
        .await
        .ok();
    assert_eq!(
        sgs["SecurityGroups"][0]["SecurityGroupId"],
        "sg-bp1contoso00000000001"
    );

    call(&app, NORTHWIND, "DisableVpcEndpointConnection", &conn)
        .await
        .ok();
    let listed = poll(&app, NORTHWIND, "ListVpcEndpointConnections", &conn, |v| {
        v["Connections"][0]["ConnectionStatus"] == "Disconnected"
    })
    .await;
    assert_eq!(listed["Connections"].as_array().unwrap().len(), 1);

    call(&app, CONTOSO, "DeleteVpcEndpoint", &ep_params)
        .await
        .ok();
    app.ops.advance_due().await.unwrap();
    call(&app, CONTOSO, "GetVpcEndpointAttribute", &ep_params)
        .await
        .refused(400, "EndpointNotFound");
}

#[tokio::test]
async fn paging_discovery_and_dry_run() {
    let app = demo_app().await;
    call(
        &app,
        NORTHWIND,
        "CreateVpcEndpointService",
        &[
            REGION,
            ("Resource.1.ResourceId", "lb-bp1northwind00000001"),
            ("Resource.1.ResourceType", "slb"),
        ],
    )
    .await
    .ok();
    let first = call(
        &app,
        NORTHWIND,
        "ListVpcEndpointServices",
        &[REGION, ("MaxResults", "1")],
    )
    .await
    .ok();
    assert_eq!(first["MaxResults"], 1);
    assert!(first["TotalCount"].is_number());
    assert_eq!(first["Services"].as_array().unwrap().len(), 1);
    let token = first["NextToken"].as_str().unwrap();
    assert!(!token.is_empty());
    let second = call(
        &app,
        NORTHWIND,
        "ListVpcEndpointServices",
        &[REGION, ("MaxResults", "1"), ("NextToken", token)],
    )
    .await
    .ok();
    assert_eq!(second["Services"].as_array().unwrap().len(), 1);
    assert_ne!(
        second["Services"][0]["ServiceId"],
        first["Services"][0]["ServiceId"]
    );
    assert_eq!(second["NextToken"], "");
    call(
        &app,
        NORTHWIND,
        "ListVpcEndpointServices",
        &[REGION, ("MaxResults", "1001")],
    )
    .await
    .refused(400, "IllegalParamFormat.MaxResults");

    let seen = call(&app, CONTOSO, "ListVpcEndpointServicesByEndUser", &[REGION])
        .await
        .ok();
    assert!(seen["TotalCount"].is_string());
    let ids: Vec<&str> = seen["Services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ServiceId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&ORDERS), "{ids:?}");
    let fab = call(
        &app,
        FABRIKAM,
        "ListVpcEndpointServicesByEndUser",
        &[REGION],
    )
    .await
    .ok();
    assert!(!fab.to_string().contains(ORDERS));

    let dry = call(
        &app,
        CONTOSO,
        "CreateVpcEndpoint",
        &[
            REGION,
            ("ServiceId", ORDERS),
            ("VpcId", "vpc-bp1contoso0000000001"),
            ("SecurityGroupId.1", "sg-bp1contoso00000000001"),
            ("DryRun", "True"),
        ],
    )
    .await;
    dry.refused(400, "DryRunOperation");
    let none = call(&app, CONTOSO, "ListVpcEndpoints", &[REGION])
        .await
        .ok();
    assert_eq!(none["TotalCount"], 0);
    assert_eq!(none["Endpoints"], serde_json::json!([]));
}

#[tokio::test]
async fn product_and_location_actions() {
    let app = demo_app().await;
    let open = call(&app, CONTOSO, "CheckProductOpen", &[]).await.ok();
    assert_eq!(open["Success"], true);
    call(&app, CONTOSO, "OpenPrivateLinkService", &[])
        .await
        .refused(400, "OrderOpend");
    let regions = call(&app, CONTOSO, "DescribeRegions", &[REGION]).await.ok();
    let first = &regions["Regions"]["Region"][0];
    assert_eq!(
        first["RegionEndpoint"],
        "privatelink.cn-hangzhou.aliyuncs.com"
    );
    let zones = call(&app, CONTOSO, "DescribeZones", &[REGION]).await.ok();
    assert_eq!(zones["Zones"]["Zone"][0]["ZoneId"], "cn-hangzhou-h");
}

#[tokio::test]
async fn v1_signatures_in_query_and_form_body() {
    let app = demo_app().await;
    // Legacy SDK: everything in the query.
    let mut query = v1_common(CONTOSO.0, "DescribeZones");
    query.push(("RegionId".into(), "cn-hangzhou".into()));
    sign::sign_v1("POST", &mut query, CONTOSO.1);
    let req = Request::post(format!("/?{}", sign::encode_query(&query)))
        .body(Body::empty())
        .unwrap();
    let a = send(&app, req).await;
    assert_eq!(a.content_type, "application/json;charset=utf-8");
    assert_eq!(a.ok()["Zones"]["Zone"][0]["ZoneId"], "cn-hangzhou-h");

    // Terraform/tea-rpc style, taken further: Action and all parameters in a form body on `POST /`.
    let mut form = v1_common(NORTHWIND.0, "GetVpcEndpointServiceAttribute");
    form.push(("RegionId".into(), "cn-hangzhou".into()));
    form.push(("ServiceId".into(), ORDERS.into()));
    sign::sign_v1("POST", &mut form, NORTHWIND.1);
    let req = Request::post("/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(sign::encode_query(&form)))
        .unwrap();
    let got = send(&app, req).await.ok();
    assert_eq!(got["ServiceId"], ORDERS);
    assert_eq!(got["ServiceResourceType"], "nlb");

    let mut bad = v1_common(NORTHWIND.0, "CheckProductOpen");
    sign::sign_v1("POST", &mut bad, "not-the-secret");
    let req = Request::post(format!("/?{}", sign::encode_query(&bad)))
        .body(Body::empty())
        .unwrap();
    send(&app, req).await.refused(400, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn gateway_refusals() {
    let app = demo_app().await;
    let wrong_secret = ("LTAI5tContosoDemo0001", "wrong");
    call(&app, wrong_secret, "CheckProductOpen", &[])
        .await
        .refused(400, "SignatureDoesNotMatch");
    call(
        &app,
        ("LTAI5tNobody000000001", "x"),
        "CheckProductOpen",
        &[],
    )
    .await
    .refused(404, "InvalidAccessKeyId.NotFound");

    let (date, n) = (now_iso(0), nonce());
    let first = v3_request(CONTOSO, "CheckProductOpen", &[], &date, &n);
    send(&app, first).await.ok();
    let replay = v3_request(CONTOSO, "CheckProductOpen", &[], &date, &n);
    send(&app, replay).await.refused(400, "SignatureNonceUsed");

    let old = v3_request(CONTOSO, "CheckProductOpen", &[], &now_iso(-3600), &nonce());
    send(&app, old)
        .await
        .refused(400, "InvalidTimeStamp.Expired");

    let unsigned = Request::post("/?RegionId=cn-hangzhou")
        .header("x-acs-action", "CheckProductOpen")
        .header("x-acs-version", "2020-04-15")
        .body(Body::empty())
        .unwrap();
    send(&app, unsigned)
        .await
        .refused(400, "IncompleteSignature");

    let mut wrong_version = v3_request(CONTOSO, "CheckProductOpen", &[], &now_iso(0), &nonce());
    wrong_version
        .headers_mut()
        .insert("x-acs-version", HeaderValue::from_static("2014-05-26"));
    send(&app, wrong_version)
        .await
        .refused(400, "InvalidVersion");

    call(&app, CONTOSO, "DescribeEverything", &[])
        .await
        .refused(404, "InvalidAction.NotFound");
}

#[tokio::test]
async fn product_refusals() {
    let app = demo_app().await;
    call(
        &app,
        FABRIKAM,
        "CreateVpcEndpoint",
        &[
            REGION,
            ("ServiceId", ORDERS),
            ("VpcId", "vpc-bp1fabrikam000000001"),
            ("SecurityGroupId.1", "sg-bp1fabrikam0000000001"),
        ],
    )
    .await
    .refused(400, "EndpointServiceNotAuthorized");
    call(
        &app,
        CONTOSO,
        "GetVpcEndpointServiceAttribute",
        &[REGION, ("ServiceId", ORDERS)],
    )
    .await
    .refused(400, "EndpointServiceNotFound");
    call(&app, NORTHWIND, "GetVpcEndpointServiceAttribute", &[REGION])
        .await
        .refused(400, "MissingParam.ServiceId");
    call(
        &app,
        NORTHWIND,
        "GetVpcEndpointServiceAttribute",
        &[("ServiceId", ORDERS)],
    )
    .await
    .refused(400, "MissingParameter");
    call(
        &app,
        NORTHWIND,
        "AddUserToVpcEndpointService",
        &[REGION, ("ServiceId", ORDERS)],
    )
    .await
    .refused(400, "MissingParam.UserArn");
}

#[tokio::test]
async fn console_home_page_is_not_claimed() {
    let app = demo_app().await;
    let res = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert!(res.status.is_success(), "{}", res.status);
    assert!(
        res.content_type.starts_with("text/html"),
        "{}",
        res.content_type
    );
    let api = send(
        &app,
        Request::get("/?Action=CheckProductOpen&Version=2020-04-15")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(api.content_type, "application/json;charset=utf-8");
    assert_eq!(api.code(), "IncompleteSignature");
}
