//! The cloud API as an attacker who holds the public demo keys meets it: rewritten signed
//! requests, replays (also across a restart), oversized bodies and floods.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use common::api::*;
use common::*;
use linkyard::openapi::nonces::NonceCache;
use linkyard::openapi::sign;
use linkyard::openapi::throttle::{Throttle, ThrottleConfig};
use std::sync::Arc;

/// Contoso's endpoint to the Orders service, created through the API.
async fn endpoint(app: &TestApp) -> String {
    let ep = send(
        &app.router,
        v3_request(
            CONTOSO,
            "CreateVpcEndpoint",
            &[
                REGION,
                ("ServiceId", ORDERS),
                ("VpcId", "vpc-bp1contoso0000000001"),
                ("SecurityGroupId.1", "sg-bp1contoso00000000001"),
                ("Zone.1.ZoneId", "cn-hangzhou-h"),
                ("Zone.1.VSwitchId", "vsw-bp1contoso000000000h"),
            ],
        ),
    )
    .await
    .ok();
    ep["EndpointId"].as_str().unwrap().to_owned()
}

async fn endpoint_exists(app: &TestApp, id: &str) -> bool {
    let got = send(
        &app.router,
        v3_request(
            CONTOSO,
            "GetVpcEndpointAttribute",
            &[REGION, ("EndpointId", id)],
        ),
    )
    .await;
    match got.code() {
        "" => true,
        "EndpointNotFound" => false,
        other => panic!("unexpected {other}: {}", got.json),
    }
}

#[tokio::test]
async fn an_unsigned_action_header_cannot_rewrite_a_v1_request() {
    let app = demo_app().await;
    let id = endpoint(&app).await;
    // A V1-signed read, replayed with an added x-acs-action naming a delete.
    let mut req = v1_request(
        CONTOSO,
        "GetVpcEndpointAttribute",
        &[REGION, ("EndpointId", &id)],
    );
    req.headers_mut().insert(
        "x-acs-action",
        HeaderValue::from_static("DeleteVpcEndpoint"),
    );
    send(&app.router, req)
        .await
        .refused(400, "IncompleteSignature");
    assert!(endpoint_exists(&app, &id).await, "the endpoint was deleted");

    // Same for the version header.
    let mut req = v1_request(
        CONTOSO,
        "GetVpcEndpointAttribute",
        &[REGION, ("EndpointId", &id)],
    );
    req.headers_mut()
        .insert("x-acs-version", HeaderValue::from_static("2014-05-26"));
    send(&app.router, req)
        .await
        .refused(400, "IncompleteSignature");

    // A header that agrees with the signed parameter (what the legacy SDK sends) is fine.
    let mut req = v1_request(
        CONTOSO,
        "GetVpcEndpointAttribute",
        &[REGION, ("EndpointId", &id)],
    );
    req.headers_mut().insert(
        "x-acs-action",
        HeaderValue::from_static("GetVpcEndpointAttribute"),
    );
    assert_eq!(send(&app.router, req).await.ok()["EndpointId"], id.as_str());
}

#[tokio::test]
async fn a_v3_request_may_not_name_a_second_action() {
    let app = demo_app().await;
    let id = endpoint(&app).await;
    // Both are signed, but they disagree: refused rather than guessing.
    let req = v3_request(
        CONTOSO,
        "GetVpcEndpointAttribute",
        &[REGION, ("EndpointId", &id), ("Action", "DeleteVpcEndpoint")],
    );
    send(&app.router, req)
        .await
        .refused(400, "IncompleteSignature");
    assert!(endpoint_exists(&app, &id).await);

    // The V3 action header itself cannot be swapped: it is signed.
    let mut req = v3_request(
        CONTOSO,
        "GetVpcEndpointAttribute",
        &[REGION, ("EndpointId", &id)],
    );
    req.headers_mut().insert(
        "x-acs-action",
        HeaderValue::from_static("DeleteVpcEndpoint"),
    );
    send(&app.router, req)
        .await
        .refused(400, "SignatureDoesNotMatch");
    assert!(endpoint_exists(&app, &id).await);
}

#[tokio::test]
async fn a_v3_body_counts_only_when_its_content_type_is_signed() {
    let app = demo_app().await;
    // A signed body whose content type is not signed: an attacker could flip the header to make
    // the server drop (or read) the body's parameters, e.g. a DryRun=true.
    let body = b"DryRun=true&ServiceId=epsrv-bp1northwindorders01&RegionId=cn-hangzhou";
    let mut headers = v3_headers("DeleteVpcEndpointService", &now_iso(0), &nonce());
    sign::sign_v3(
        "POST",
        "/",
        &[],
        &mut headers,
        body,
        NORTHWIND.0,
        NORTHWIND.1,
    );
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    let mut req = Request::post("/").body(Body::from(&body[..])).unwrap();
    *req.headers_mut() = headers;
    send(&app.router, req)
        .await
        .refused(400, "IncompleteSignature");

    // Signed with its content type, the same body is read: the dry run answers DryRunOperation.
    let mut headers = v3_headers("DeleteVpcEndpointService", &now_iso(0), &nonce());
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    sign::sign_v3(
        "POST",
        "/",
        &[],
        &mut headers,
        body,
        NORTHWIND.0,
        NORTHWIND.1,
    );
    let mut req = Request::post("/").body(Body::from(&body[..])).unwrap();
    *req.headers_mut() = headers;
    send(&app.router, req).await.refused(400, "DryRunOperation");
}

#[tokio::test]
async fn replays_are_refused_also_after_a_restart() {
    let app = demo_app().await;
    let nonces = Arc::new(NonceCache::new());
    let first = app_router(&app.ops, |s| s.nonces = nonces.clone()).await;
    let (date, n) = (now_iso(0), nonce());
    let req = || v3_request_at(CONTOSO, "ListVpcEndpoints", &[REGION], &date, &n);
    send(&first, req()).await.ok();
    send(&first, req()).await.refused(400, "SignatureNonceUsed");
    // The accepted nonce reaches the database in the background batch; a new process loads it.
    assert_eq!(nonces.flush(&app.ops.write_pool).await.unwrap(), 1);
    let restarted = Arc::new(NonceCache::new());
    assert_eq!(
        restarted
            .load(&app.ops.pool, app.ops.clock.now())
            .await
            .unwrap(),
        1
    );
    let second = app_router(&app.ops, |s| s.nonces = restarted.clone()).await;
    send(&second, req())
        .await
        .refused(400, "SignatureNonceUsed");
    // A fresh nonce still works after the restart.
    send(&second, v3_request(CONTOSO, "ListVpcEndpoints", &[REGION]))
        .await
        .ok();
}

#[tokio::test]
async fn an_over_long_nonce_is_refused_and_not_remembered() {
    let app = demo_app().await;
    let long = "n".repeat(4096);
    let req = v3_request_at(CONTOSO, "ListVpcEndpoints", &[REGION], &now_iso(0), &long);
    send(&app.router, req)
        .await
        .refused(400, "InvalidParameter");
}

#[tokio::test]
async fn each_access_key_has_a_token_bucket_answered_with_throttling_user() {
    let app = demo_app().await;
    let limited = app_router(&app.ops, |s| {
        s.throttle = Arc::new(Throttle::new(ThrottleConfig {
            per_second: 1,
            burst: 5,
        }))
    })
    .await;
    for _ in 0..5 {
        send(&limited, v3_request(CONTOSO, "ListVpcEndpoints", &[REGION]))
            .await
            .ok();
    }
    let over = send(&limited, v3_request(CONTOSO, "ListVpcEndpoints", &[REGION])).await;
    over.refused(400, "Throttling.User");
    assert!(
        over.json["Message"].as_str().unwrap().contains("retry in"),
        "{}",
        over.json
    );
    // Another AccessKey has its own bucket.
    send(
        &limited,
        v3_request(NORTHWIND, "ListVpcEndpointServices", &[REGION]),
    )
    .await
    .ok();
    // A throttled write changes nothing.
    let write = send(
        &limited,
        v3_request(
            CONTOSO,
            "CreateVpcEndpoint",
            &[
                REGION,
                ("ServiceId", ORDERS),
                ("VpcId", "vpc-bp1contoso0000000001"),
                ("SecurityGroupId.1", "sg-bp1contoso00000000001"),
            ],
        ),
    )
    .await;
    write.refused(400, "Throttling.User");
    let listed = send(
        &app.router,
        v3_request(CONTOSO, "ListVpcEndpoints", &[REGION]),
    )
    .await
    .ok();
    assert_eq!(listed["TotalCount"], 0);
    // Its figures are in /metrics.
    let mut c = Client::new(&app);
    let m = c.get("/metrics").await.body;
    assert!(m.contains("api_requests_throttled_total"), "{m}");
    assert!(m.contains("api_rate_limit_per_second"), "{m}");
}

#[tokio::test]
async fn oversized_bodies_get_413_with_a_clear_message_on_every_route() {
    let app = demo_app().await;
    let big = vec![b'a'; 2 << 20];
    // The cloud API: Alibaba's error shape.
    let mut req = Request::post("/")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(big.clone()))
        .unwrap();
    req.headers_mut()
        .insert("x-acs-action", HeaderValue::from_static("ListVpcEndpoints"));
    let api = send(&app.router, req).await;
    api.refused(413, "RequestEntityTooLarge");
    assert!(
        api.json["Message"]
            .as_str()
            .unwrap()
            .contains("larger than")
    );

    // A console server function, declared length and streamed (chunked) alike.
    let mut c = Client::new(&app);
    c.sign_in(PROVIDER).await;
    let declared = c
        .send(
            Request::post("/api/inventory")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(big.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(
        declared.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        declared.body
    );
    assert_eq!(declared.json()["code"], "RequestEntityTooLarge");
    let chunks = futures::stream::iter(
        (0..40).map(|_| Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'a'; 64 << 10]))),
    );
    let streamed = c
        .send(
            Request::post("/api/inventory")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::TRANSFER_ENCODING, "chunked")
                .body(Body::from_stream(chunks))
                .unwrap(),
        )
        .await;
    assert_eq!(
        streamed.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        streamed.body
    );
    // Any other route too.
    let other = c
        .send(Request::post("/signin").body(Body::from(big)).unwrap())
        .await;
    assert_eq!(other.status, StatusCode::PAYLOAD_TOO_LARGE);
    // And the server still answers normally afterwards.
    let ok = c.call("inventory", &[("region", "cn-hangzhou")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}
