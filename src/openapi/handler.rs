//! The HTTP entry of the cloud API: claims RPC requests to `/`, authenticates them and dispatches
//! the action.
//!
//! The console serves its home page at `GET /`, so [`intercept`] claims only requests to `/` that
//! name an action: an `x-acs-action` header (V3) or an `Action` parameter in the query or in an
//! `application/x-www-form-urlencoded` body (V1, Terraform). Everything else passes through.

use crate::domain::ApiError;
use crate::openapi::actions;
use crate::openapi::params::Params;
use crate::openapi::sign::{self, SignedRequest};
use crate::openapi::wire;
use crate::ops::{Ctx, Source, ids};
use crate::server::AppState;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;

/// The only API version served.
pub const VERSION: &str = "2020-04-15";

/// Largest request body read (the server-wide limit).
pub const MAX_BODY: usize = crate::server::body_limit::MAX_BODY;

/// Middleware: answers cloud API requests to `/`, passes every other request on unchanged.
pub async fn intercept(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path() != "/" {
        return next.run(req).await;
    }
    let named = req.headers().contains_key("x-acs-action")
        || Params::parse(req.uri().query().unwrap_or(""), None)
            .get("Action")
            .is_some();
    let may_name_in_body = req.method() == Method::POST && is_form(req.headers());
    if !named && !may_name_in_body {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let request_id = ids::request_id();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let e = ApiError::new(
                "RequestEntityTooLarge",
                format!(
                    "The request body is larger than {} KiB; send less data per request.",
                    MAX_BODY / 1024
                ),
            )
            .status(413);
            return wire::failure(&request_id, &host_of(&parts.headers), &e);
        }
    };
    if !named && Params::parse("", Some(&bytes)).get("Action").is_none() {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    let host = host_of(&parts.headers);
    match serve(&state, &parts, &bytes, &request_id).await {
        Ok(fields) => wire::success_json(&request_id, &fields),
        Err(e) => {
            tracing::debug!(code = %e.code, request_id, "cloud API request refused");
            wire::failure(&request_id, &host, &e)
        }
    }
}

/// Reads, authenticates and dispatches one API request; the answer's fields as JSON text.
async fn serve(
    state: &AppState,
    parts: &Parts,
    body: &Bytes,
    request_id: &str,
) -> Result<std::sync::Arc<str>, ApiError> {
    let query = parts.uri.query().unwrap_or("");
    let form = is_form(&parts.headers).then_some(&body[..]);
    let params = Params::parse(query, form);
    let signed = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        raw_query: query,
        headers: &parts.headers,
        body,
    };
    let claim = sign::identify(&signed, &params)?;
    let (action, version) = signed_action_and_version(claim.scheme, &signed, &params)?;
    if version != VERSION {
        return Err(ApiError::new(
            "InvalidVersion",
            format!("Specified parameter Version \"{version}\" is not valid; use {VERSION}."),
        ));
    }
    let key = state
        .keys
        .get(&state.ops, &claim.access_key_id)
        .await?
        .filter(|k| k.enabled)
        .ok_or_else(|| sign::unknown_key(&claim.access_key_id))?;
    let now = chrono::Utc::now();
    let verified = sign::verify(&claim, &signed, &params, &key.secret, now)?;
    state.throttle.admit(&verified.access_key_id).await?;
    state
        .nonces
        .check_and_claim(
            &verified.access_key_id,
            &verified.nonce,
            now.timestamp_millis(),
        )
        .await?;
    let ctx = Ctx {
        account_id: key.account_id.clone(),
        source: Source::Api,
        request_id: request_id.to_owned(),
        dry_run: params.bool("DryRun")?.unwrap_or(false),
        region_id: params.string("RegionId"),
        idempotency: None,
    };
    if !actions::changes_state(&action) {
        // A read: from the read cache while nothing was written since (see `ops::read_cache`).
        let key = read_key(&ctx.account_id, &action, &params);
        return state
            .ops
            .read_through(key, || async {
                actions::dispatch(&state.ops, &ctx, &action, &params)
                    .await
                    .map(wire::serialize)
            })
            .await;
    }
    let fields = match params.get("ClientToken") {
        Some(token) if !ctx.dry_run => {
            let replayed = state
                .ops
                .idempotent(&ctx, &action, token, &fingerprint(&params), |claimed| {
                    // The ClientToken's row commits with the change (see `ops::idempotency`).
                    let (action, params) = (&action, &params);
                    async move {
                        actions::dispatch(&state.ops, &claimed, action, params)
                            .await
                            .map(serde_json::Value::Object)
                    }
                })
                .await?;
            match replayed {
                serde_json::Value::Object(fields) => fields,
                _ => return Err(ApiError::internal()),
            }
        }
        _ => actions::dispatch(&state.ops, &ctx, &action, &params).await?,
    };
    Ok(wire::serialize(fields).into())
}

/// The action and version a request names, taken only from what its signature covers.
///
/// V3 signs the `x-acs-action` / `x-acs-version` headers (required in `SignedHeaders`), the query
/// and the body hash; V1 signs its parameters and no header. So V3 reads the headers and V1 the
/// `Action` / `Version` parameters, and a request whose other source disagrees (an unsigned
/// `x-acs-action` header added to a V1 request, an `Action` parameter that contradicts the V3
/// header) is refused with `IncompleteSignature`. (A V3 request with a body must also sign its
/// `Content-Type`, which decides whether the body's parameters are read: see `sign::verify`.)
pub fn signed_action_and_version(
    scheme: sign::Scheme,
    req: &SignedRequest,
    params: &Params,
) -> Result<(String, String), ApiError> {
    let v3 = scheme == sign::Scheme::V3;
    let pick = |header: &str, param: &str| -> Result<String, ApiError> {
        let from_header = header_value(req.headers, header);
        let from_param = params.string(param);
        let (signed, other) = if v3 {
            (from_header, from_param)
        } else {
            (from_param, from_header)
        };
        let value = signed.ok_or_else(|| missing(param))?;
        if other.is_some_and(|o| o != value) {
            return Err(ApiError::new(
                "IncompleteSignature",
                format!(
                    "The request names {param} twice with different values (the {header} header and the {param} parameter); only the signed one counts, so it is refused."
                ),
            ));
        }
        Ok(value)
    };
    let action = pick("x-acs-action", "Action")?;
    let version = pick("x-acs-version", "Version")?;
    Ok((action, version))
}

/// The business parameters of a request, in one canonical string.
fn fingerprint(params: &Params) -> String {
    params
        .merged()
        .iter()
        .filter(|(k, v)| {
            // Transport parameters differ between retries (signature, time, nonce) or between
            // the V1 and V3 forms of one request; the rest is what a ClientToken promises to repeat.
            !TRANSPORT.contains(&k.as_str())
                && !matches!(k.as_str(), "Action" | "ClientToken")
                && !v.is_empty()
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Parameters that differ between attempts of one read and change nothing in its answer.
const TRANSPORT: [&str; 9] = [
    "AccessKeyId",
    "Format",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureType",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// What a read's answer depends on besides the store: the account, the action and every other
/// parameter (empty ones too), each length-prefixed so no two requests share a key.
fn read_key(account_id: &str, action: &str, params: &Params) -> String {
    use std::fmt::Write as _;
    let mut key = format!("{}:{account_id}{}:{action}", account_id.len(), action.len());
    for (k, v) in params.merged() {
        if k != "Action" && !TRANSPORT.contains(&k.as_str()) {
            let _ = write!(key, "{}:{k}{}:{v}", k.len(), v.len());
        }
    }
    key
}

/// The gateway's `MissingParameter` for a common parameter.
fn missing(name: &str) -> ApiError {
    ApiError::new(
        "MissingParameter",
        format!(
            "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
        ),
    )
}

/// True for an `application/x-www-form-urlencoded` body (any parameters after `;`).
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn header_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `HostId` of error bodies: the `Host` the client called.
fn host_of(headers: &HeaderMap) -> String {
    header_value(headers, header::HOST.as_str())
        .unwrap_or_else(|| "privatelink.aliyuncs.com".to_owned())
}
