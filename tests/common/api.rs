//! Signed cloud API requests (V3 and V1) as the official SDKs build them, and their answers.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode, header};
use http_body_util::BodyExt;
use linkyard::openapi::sign;
use serde_json::Value;
use tower::ServiceExt;

pub const HOST: &str = "127.0.0.1:3000";
pub const NORTHWIND: (&str, &str) = ("LTAI5tNorthwindDemo01", "northwind-secret-0001");
pub const CONTOSO: (&str, &str) = ("LTAI5tContosoDemo0001", "contoso-secret-00001");
pub const FABRIKAM: (&str, &str) = ("LTAI5tFabrikamDemo001", "fabrikam-secret-0001");
pub const ORDERS: &str = "epsrv-bp1northwindorders01";
pub const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

/// An API answer: status, content type and JSON body (`Null` when not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub json: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["Code"].as_str().unwrap_or("")
    }
    /// Asserts success and returns the body.
    pub fn ok(self) -> Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.json);
        assert!(self.json["RequestId"].is_string(), "{}", self.json);
        self.json
    }
    /// Asserts an Alibaba-shaped refusal with `status` and `code`.
    pub fn refused(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status.as_u16(), self.code()),
            (status, code),
            "{}",
            self.json
        );
        assert!(self.json["RequestId"].is_string(), "{}", self.json);
        assert!(self.json["Message"].is_string(), "{}", self.json);
        assert_eq!(self.json["HostId"], HOST, "{}", self.json);
    }
}

pub fn now_iso(offset_secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(offset_secs))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

pub fn pairs(params: &[(&str, &str)]) -> Vec<(String, String)> {
    params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The headers a V3 request sets before signing.
pub fn v3_headers(action: &str, date: &str, nonce: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: &str| {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).unwrap(),
        );
    };
    set("host", HOST);
    set("x-acs-action", action);
    set("x-acs-version", "2020-04-15");
    set("x-acs-date", date);
    set("x-acs-signature-nonce", nonce);
    headers
}

/// A V3-signed `POST /?<params>` with an empty body, like the Python SDK sends.
pub fn v3_request(who: (&str, &str), action: &str, params: &[(&str, &str)]) -> Request<Body> {
    v3_request_at(who, action, params, &now_iso(0), &nonce())
}

/// [`v3_request`] with an explicit date and nonce, so a request can be rebuilt byte for byte.
pub fn v3_request_at(
    (key, secret): (&str, &str),
    action: &str,
    params: &[(&str, &str)],
    date: &str,
    nonce: &str,
) -> Request<Body> {
    let query = pairs(params);
    let mut headers = v3_headers(action, date, nonce);
    sign::sign_v3("POST", "/", &query, &mut headers, b"", key, secret);
    let mut req = Request::post(format!("/?{}", sign::encode_query(&query)))
        .body(Body::empty())
        .unwrap();
    *req.headers_mut() = headers;
    req
}

/// A V1-signed `POST /?<params>` (aliyun-python-sdk-core style): every parameter in the query.
pub fn v1_request(
    (key, secret): (&str, &str),
    action: &str,
    params: &[(&str, &str)],
) -> Request<Body> {
    let mut all = pairs(&[
        ("Action", action),
        ("Version", "2020-04-15"),
        ("Format", "JSON"),
        ("AccessKeyId", key),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureType", ""),
        ("SignatureNonce", &nonce()),
        ("Timestamp", &now_iso(0)),
    ]);
    all.extend(pairs(params));
    sign::sign_v1("POST", &mut all, secret);
    Request::post(format!("/?{}", sign::encode_query(&all)))
        .body(Body::empty())
        .unwrap()
}

/// Sends `req` through `router` (with the test `Host`) and reads the answer.
pub async fn send(router: &Router, mut req: Request<Body>) -> Answer {
    req.headers_mut()
        .insert(header::HOST, HeaderValue::from_static(HOST));
    let what = format!("{} {}", req.method(), req.uri().path());
    let res = super::within(&what, router.clone().oneshot(req))
        .await
        .unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = super::within(&what, res.into_body().collect())
        .await
        .unwrap()
        .to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        content_type,
        json,
    }
}
