//! Response shapes of the cloud API: the success body with `RequestId`, the error body
//! `{RequestId, HostId, Code, Message, Recommend}`, and `NextToken`/`MaxResults` paging.
//!
//! Paging tokens are opaque to clients: the operation layer's keyset token (or, for lists the
//! operation layer returns whole, an offset) is wrapped in URL-safe base64. The last page never
//! carries a non-empty `NextToken` (Terraform loops while it is non-empty).

use crate::domain::ApiError;
use crate::openapi::params::Params;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

/// The content type of every answer (the Python SDK parses anything but `text/xml` as JSON).
pub const CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// A JSON object of response fields, without `RequestId`.
pub type Body = Map<String, Value>;

/// HTTP 200 with `fields`, a serialized JSON object (see [`serialize`]), plus `RequestId` first.
pub fn success_json(request_id: &str, fields: &str) -> Response {
    let id = Value::String(request_id.into()).to_string();
    let rest = fields.strip_prefix('{').unwrap_or("}").trim_start();
    let sep = if rest.starts_with('}') { "" } else { "," };
    let body = format!("{{\"RequestId\":{id}{sep}{rest}");
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    res
}

/// The JSON text of `fields`, as [`success_json`] takes it.
pub fn serialize(fields: Body) -> String {
    Value::Object(fields).to_string()
}

/// The error body with the error's HTTP status. `host` is echoed as `HostId`.
pub fn failure(request_id: &str, host: &str, e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.http_status).unwrap_or(StatusCode::BAD_REQUEST);
    let recommend = format!(
        "https://api.aliyun.com/troubleshoot?q={}&product=Privatelink&requestId={request_id}",
        e.code
    );
    respond(
        status,
        json!({
            "RequestId": request_id,
            "HostId": host,
            "Code": e.code,
            "Message": e.message,
            "Recommend": recommend,
        }),
    )
}

fn respond(status: StatusCode, body: Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    res
}

/// Turns a `json!({...})` object literal into a [`Body`] (anything else gives an empty body).
pub fn object(v: Value) -> Body {
    match v {
        Value::Object(m) => m,
        _ => Body::new(),
    }
}

/// Paging of one list request: the page size and the decoded token of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// `MaxResults`, within the action's bounds.
    pub max: i64,
    /// The decoded `NextToken` (the operation layer's token), `None` for the first page.
    pub token: Option<String>,
}

/// Reads `MaxResults` (default `default`, allowed `1..=upper`) and `NextToken`.
/// Out-of-range sizes give `IllegalParamFormat.MaxResults`; undecodable tokens
/// `IllegalParamFormat.NextToken`.
pub fn paging(p: &Params, upper: i64, default: i64) -> Result<Paging, ApiError> {
    let max = p.int("MaxResults")?.unwrap_or(default);
    if !(1..=upper).contains(&max) {
        return Err(ApiError::illegal(
            "MaxResults",
            format!("must be between 1 and {upper}, got {max}"),
        ));
    }
    Ok(Paging {
        max,
        token: next_token(p)?,
    })
}

/// The decoded `NextToken` of a request, `None` for the first page.
pub fn next_token(p: &Params) -> Result<Option<String>, ApiError> {
    match p.get("NextToken") {
        None => Ok(None),
        Some(t) => URL_SAFE_NO_PAD
            .decode(t)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|s| !s.is_empty())
            .map(Some)
            .ok_or_else(|| ApiError::illegal("NextToken", "not a token from a previous page")),
    }
}

/// The wire `NextToken` for the operation layer's token: empty on the last page.
pub fn encode_token(token: Option<&str>) -> String {
    token
        .filter(|t| !t.is_empty())
        .map(|t| URL_SAFE_NO_PAD.encode(t))
        .unwrap_or_default()
}

/// One page of a list the operation layer returns whole: the items and the wire `NextToken`.
/// The token carries the offset of the next page.
pub fn page_of<T>(items: Vec<T>, paging: &Paging) -> Result<(Vec<T>, String), ApiError> {
    let start = match &paging.token {
        None => 0,
        Some(t) => t
            .strip_prefix("offset:")
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::illegal("NextToken", "not a token from a previous page"))?,
    };
    let max = usize::try_from(paging.max).unwrap_or(usize::MAX);
    let end = start.saturating_add(max);
    let more = items.len() > end;
    let page: Vec<T> = items.into_iter().skip(start).take(max).collect();
    let next = more.then(|| format!("offset:{end}"));
    Ok((page, encode_token(next.as_deref())))
}

/// `Tags[]{Key, Value}`.
pub fn tags(tags: &[(String, String)]) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn success_json_puts_the_request_id_first() {
        async fn body(fields: &str) -> serde_json::Value {
            let res = super::success_json("id-1", fields);
            let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
                .await
                .unwrap();
            serde_json::from_slice(&bytes).unwrap()
        }
        assert_eq!(body("{}").await, serde_json::json!({"RequestId": "id-1"}));
        assert_eq!(
            body(r#"{"A":1,"B":[]}"#).await,
            serde_json::json!({"RequestId": "id-1", "A": 1, "B": []})
        );
    }

    use super::*;

    fn p(q: &str) -> Params {
        Params::parse(q, None)
    }

    #[test]
    fn paging_bounds_and_tokens() {
        assert_eq!(paging(&p(""), 50, 50).unwrap().max, 50);
        assert_eq!(
            paging(&p("MaxResults=51"), 50, 50).unwrap_err().code,
            "IllegalParamFormat.MaxResults"
        );
        assert_eq!(
            paging(&p("MaxResults=0"), 50, 50).unwrap_err().code,
            "IllegalParamFormat.MaxResults"
        );
        let t = encode_token(Some("epsrv-x"));
        let got = paging(&p(&format!("NextToken={t}")), 50, 50).unwrap();
        assert_eq!(got.token.as_deref(), Some("epsrv-x"));
        assert_eq!(encode_token(None), "");
        assert!(paging(&p("NextToken=%%%"), 50, 50).is_err());
    }

    #[test]
    fn whole_lists_page_by_offset_and_end_without_token() {
        let first = Paging {
            max: 2,
            token: None,
        };
        let (items, next) = page_of(vec![1, 2, 3], &first).unwrap();
        assert_eq!(items, [1, 2]);
        let second = paging(&p(&format!("NextToken={next}&MaxResults=2")), 50, 50).unwrap();
        let (items, next) = page_of(vec![1, 2, 3], &second).unwrap();
        assert_eq!((items, next.as_str()), (vec![3], ""));
        let (items, next) = page_of(vec![1, 2], &first).unwrap();
        assert_eq!((items.len(), next.as_str()), (2, ""));
    }
}
