//! Bad input in bulk: property tests of the parameter decoder and both signature parsers, and
//! random requests through the whole router. Random and mutated requests never panic, never get
//! a 5xx and never succeed without a valid signature. The case counts are bounded so the test
//! command stays fast.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, header};
use common::api::*;
use linkyard::openapi::params::Params;
use linkyard::openapi::sign::{self, SignedRequest};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const SECRET: &str = "contoso-secret-00001";

/// Parameter names the actions read, including list forms with huge or odd indexes.
fn param_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z]{1,12}",
        "(Zone|Tag|Resource|SecurityGroupId|User|Filter)\\.[0-9]{1,25}(\\.[A-Za-z]{1,8})?",
        "(Zone|Tag)\\.-?[0-9a-z]{0,4}\\.?",
        "(Action|Version|RegionId|DryRun|MaxResults|NextToken|ClientToken|Signature|SignatureNonce|Timestamp|AccessKeyId)",
        ".{0,12}",
    ]
}

fn param_value() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        "(true|false|True|FALSE|yes|1|-1|99999999999999999999|0x10|%zz|%|\\+)",
        "[0-9]{1,30}",
    ]
}

fn raw_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((param_name(), param_value()), 0..12)
}

/// Encodes pairs; `raw` joins them without encoding (so `&`, `=`, `%` in them break the form).
fn query_of(pairs: &[(String, String)], raw: bool) -> String {
    if raw {
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    } else {
        sign::encode_query(pairs)
    }
}

/// Reads every kind of value the actions read; must never panic.
fn read_everything(p: &Params) {
    for name in [
        "Action",
        "Zone",
        "Tag",
        "Resource",
        "SecurityGroupId",
        "DryRun",
        "MaxResults",
        "RegionId",
    ] {
        let _ = p.get(name);
        let _ = p.bool(name);
        let _ = p.int(name);
        let _ = p.list(name);
        let _ = p.objects(name);
        let _ = p.required(name);
        let _ = p.required_param(name);
    }
    for (k, _) in p.pairs() {
        let _ = p.bool(k);
        let _ = p.int(k);
        let _ = p.list(k);
        let _ = p.objects(k);
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn the_parameter_decoder_takes_any_query_and_body() {
    runner(512)
        .run(
            &(
                raw_pairs(),
                any::<bool>(),
                proptest::collection::vec(any::<u8>(), 0..256),
            ),
            |(pairs, raw, body)| {
                let p = Params::parse(&query_of(&pairs, raw), Some(&body));
                read_everything(&p);
                // Decoding an encoded query gives the pairs back.
                if !raw {
                    let q = Params::parse(&query_of(&pairs, false), None);
                    prop_assert_eq!(q.pairs(), &pairs[..]);
                }
                Ok(())
            },
        )
        .unwrap();
}

/// Any `Authorization` header and any parameters: identify and verify never panic, and a
/// request nobody signed with the secret is never verified.
#[test]
fn signature_parsers_refuse_what_was_not_signed() {
    let auth = prop_oneof![
        ".{0,80}",
        "ACS3-HMAC-SHA256 .{0,80}",
        "ACS3-HMAC-SHA256 Credential=[A-Za-z0-9]{1,20},SignedHeaders=[a-z;\\-]{0,60},Signature=[0-9a-f]{0,64}",
        "ACS3-HMAC-SHA256 Credential=LTAI5tContosoDemo0001,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}",
    ];
    runner(512)
        .run(
            &(
                auth,
                raw_pairs(),
                any::<bool>(),
                proptest::collection::vec(any::<u8>(), 0..64),
            ),
            |(auth, mut pairs, v1, body)| {
                let mut headers = v3_headers("ListVpcEndpoints", &now_iso(0), &nonce());
                if let Ok(v) = HeaderValue::from_str(&auth) {
                    headers.insert(header::AUTHORIZATION, v);
                }
                if v1 {
                    headers.remove(header::AUTHORIZATION);
                    pairs.push(("AccessKeyId".into(), "LTAI5tContosoDemo0001".into()));
                    pairs.push(("Timestamp".into(), now_iso(0)));
                    pairs.push(("SignatureNonce".into(), nonce()));
                }
                let query = query_of(&pairs, false);
                let params = Params::parse(&query, None);
                let req = SignedRequest {
                    method: "POST",
                    path: "/",
                    raw_query: &query,
                    headers: &headers,
                    body: &body,
                };
                if let Ok(claim) = sign::identify(&req, &params) {
                    let verified = sign::verify(&claim, &req, &params, SECRET, chrono::Utc::now());
                    prop_assert!(
                        verified.is_err(),
                        "verified a request nobody signed: {auth} {query}"
                    );
                }
                Ok(())
            },
        )
        .unwrap();
}

/// A correctly signed request with one character of its query or one signed header changed is
/// refused, unless the change decodes to the very same parameters (then it is the same request).
#[test]
fn mutated_signed_requests_are_refused() {
    let strategy = (
        proptest::collection::vec(("[A-Za-z]{1,8}", ".{0,16}"), 1..6),
        any::<bool>(),
        any::<prop::sample::Index>(),
        any::<char>(),
        0usize..4,
    );
    runner(512)
        .run(&strategy, |(pairs, v1, at, ch, target)| {
            let pairs: Vec<(String, String)> = pairs;
            let now = chrono::Utc::now();
            let (mut query, mut headers) = if v1 {
                let mut all = pairs.clone();
                all.extend(linkyard_v1_common());
                sign::sign_v1("POST", &mut all, SECRET);
                (sign::encode_query(&all), HeaderMap::new())
            } else {
                let mut headers = v3_headers("ListVpcEndpoints", &now_iso(0), &nonce());
                sign::sign_v3("POST", "/", &pairs, &mut headers, b"", CONTOSO.0, SECRET);
                (sign::encode_query(&pairs), headers)
            };
            let original = Params::parse(&query, None);
            let original_headers = headers.clone();
            // Mutate the query (target 0..=1) or a signed header's value (2..=3).
            if target <= 1 || v1 {
                let mut chars: Vec<char> = query.chars().collect();
                let i = at.index(chars.len().max(1));
                if chars.is_empty() {
                    chars.push(ch);
                } else {
                    chars[i] = ch;
                }
                query = chars.into_iter().collect();
            } else if ch.is_whitespace() {
                // Header values are trimmed when signed: trailing whitespace is the same request.
                return Ok(());
            } else {
                let name = if target == 2 {
                    "x-acs-action"
                } else {
                    "x-acs-signature-nonce"
                };
                let value = format!("{}{}", headers[name].to_str().unwrap(), ch);
                match HeaderValue::from_str(&value) {
                    Ok(v) => {
                        headers.insert(HeaderName::from_static(name), v);
                    }
                    Err(_) => return Ok(()),
                }
            }
            let params = Params::parse(&query, None);
            let req = SignedRequest {
                method: "POST",
                path: "/",
                raw_query: &query,
                headers: &headers,
                body: b"",
            };
            let verified = sign::identify(&req, &params)
                .and_then(|claim| sign::verify(&claim, &req, &params, SECRET, now));
            let same = params.merged() == original.merged() && headers == original_headers;
            if verified.is_ok() {
                prop_assert!(same, "a changed request verified: {query}");
            }
            Ok(())
        })
        .unwrap();
}

fn linkyard_v1_common() -> Vec<(String, String)> {
    pairs(&[
        ("Action", "ListVpcEndpoints"),
        ("Version", "2020-04-15"),
        ("AccessKeyId", CONTOSO.0),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", &nonce()),
        ("Timestamp", &now_iso(0)),
    ])
}

/// Random requests through the whole router (console routes and the cloud API): never a 5xx,
/// never a cloud API success without a valid signature, and the server keeps answering.
#[test]
fn random_requests_through_the_router_never_fail_the_server() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let app = rt.block_on(common::demo_app());
    let strategy = (
        prop_oneof![
            Just("/".to_string()),
            Just("/api/sign_in".to_string()),
            Just("/api/inventory".to_string()),
            Just("/events".to_string()),
            "/[a-z/]{0,20}"
        ],
        raw_pairs(),
        any::<bool>(),
        proptest::collection::vec(any::<u8>(), 0..512),
        proptest::option::of(prop_oneof![
            Just("ListVpcEndpoints".to_string()),
            Just("DeleteVpcEndpoint".to_string()),
            "[A-Za-z]{0,20}".prop_map(|s| s),
        ]),
        any::<bool>(),
        proptest::option::of(".{0,100}"),
    );
    runner(160)
        .run(&strategy, |(path, pairs, raw, body, action, form, auth)| {
            let query = query_of(&pairs, raw);
            let uri = format!("{path}?{query}");
            let mut builder = Request::post(uri.as_str());
            if form {
                builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
            }
            let Ok(mut req) = builder.body(Body::from(body)) else {
                return Ok(());
            };
            if let Some(a) = action.and_then(|a| HeaderValue::from_str(&a).ok()) {
                req.headers_mut().insert("x-acs-action", a);
            }
            if let Some(a) = auth.and_then(|a| HeaderValue::from_str(&a).ok()) {
                req.headers_mut().insert(header::AUTHORIZATION, a);
            }
            let answer = rt.block_on(send(&app.router, req));
            prop_assert!(
                answer.status.as_u16() < 500,
                "{} for {uri}: {}",
                answer.status,
                answer.json
            );
            if path == "/" && answer.json["RequestId"].is_string() {
                prop_assert!(
                    answer.json["Code"].is_string(),
                    "an unsigned API request succeeded: {uri} {}",
                    answer.json
                );
            }
            Ok(())
        })
        .unwrap();
    // Still serving.
    let ok = rt.block_on(send(
        &app.router,
        v3_request(CONTOSO, "ListVpcEndpoints", &[REGION]),
    ));
    assert_eq!(ok.ok()["TotalCount"], 0);
}
