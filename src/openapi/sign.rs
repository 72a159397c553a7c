//! Signature verification (V3 ACS3-HMAC-SHA256 and V1 HMAC-SHA1).
//!
//! Verification has two steps so the caller can look up the secret in between:
//! [`identify`] finds the access key id and the scheme without any secret, [`verify`] checks the
//! signature, the payload hash (V3) and the clock skew. Nonce replay is tracked separately by
//! [`NonceCache`], which the caller feeds with [`Verified::nonce`] after a successful `verify`.
//!
//! Error codes (Alibaba Cloud gateway codes, all HTTP 400 unless noted):
//! - `IncompleteSignature`: no credentials at all, a malformed `Authorization` header, an
//!   unsupported algorithm / `SignatureMethod` / `SignatureVersion`, or a V3 request that does not
//!   sign (or does not send) one of [`REQUIRED_V3_HEADERS`].
//! - `MissingParameter`: a V1 request without `Timestamp` or `SignatureNonce` (gateway wording).
//! - `InvalidAccessKeyId.NotFound` (404): [`unknown_key`], for the caller's key lookup.
//! - `SignatureDoesNotMatch`: wrong signature; for V1 the message carries the server's
//!   string-to-sign like the real service. A V3 body whose SHA-256 differs from the signed
//!   `x-acs-content-sha256` header also gives `SignatureDoesNotMatch` (not `InvalidParameter`):
//!   the payload hash is part of the signed canonical request, so a changed body is a signature
//!   failure from the client's point of view, and SDKs treat that code as "check your secret /
//!   request", which is the right hint.
//! - `InvalidTimeStamp.Format` / `InvalidTimeStamp.Expired`: unparsable time / more than
//!   [`MAX_SKEW_SECS`] away from `now`. Expiry is checked after the signature, so only genuinely
//!   signed (e.g. replayed) requests learn that their time is off.
//! - `SignatureNonceUsed`: from [`NonceCache::check_and_insert`].

use crate::domain::ApiError;
use crate::openapi::params::Params;
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use base64::Engine as _;
use chrono::{DateTime, NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use subtle::ConstantTimeEq;

/// Largest accepted difference between the request time and the server clock (15 minutes).
pub const MAX_SKEW_SECS: i64 = 15 * 60;

pub use super::nonces::{NONCE_TTL_MS, NonceCache};

/// The only V3 algorithm accepted (`ACS3-HMAC-SM3` / `ACS3-RSA-SHA256` are rejected).
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Headers every V3 request must send and list in `SignedHeaders`.
pub const REQUIRED_V3_HEADERS: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// RFC 3986 encoding used by both schemes: keep `A-Z a-z 0-9 - _ . ~`, encode everything else
/// (space ⇒ `%20`, `*` ⇒ `%2A`, `/` ⇒ `%2F`) with upper-case hex.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

const SIGNATURE_MISMATCH: &str = "Specified signature is not matched with our calculation.";

/// The parts of an HTTP request the signature covers, as received on the wire.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// HTTP method, upper case (`POST`).
    pub method: &'a str,
    /// Request path without the query (`/`).
    pub path: &'a str,
    /// Raw (still percent-encoded) query string without `?`.
    pub raw_query: &'a str,
    /// All request headers as received.
    pub headers: &'a HeaderMap,
    /// Raw body bytes.
    pub body: &'a [u8],
}

/// Signature scheme of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// `Authorization: ACS3-HMAC-SHA256 …` (Python SDK 4.x, Go/Java darabonba SDKs).
    V3,
    /// `Signature` + `SignatureMethod=HMAC-SHA1` parameters (legacy SDKs, Terraform, aliyun CLI).
    V1,
}

/// Who a request claims to be, found by [`identify`] before the secret is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The access key id to look the secret up with.
    pub access_key_id: String,
    pub scheme: Scheme,
    /// The client's signature (V3 hex, V1 base64).
    signature: String,
    /// V3: the `SignedHeaders` list exactly as sent (names `;`-separated).
    signed_headers: String,
}

/// A request whose signature and time were checked by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub access_key_id: String,
    pub scheme: Scheme,
    /// `x-acs-signature-nonce` (V3) or `SignatureNonce` (V1); pass it to [`NonceCache`].
    pub nonce: String,
    /// `x-acs-date` (V3) or `Timestamp` (V1).
    pub timestamp: DateTime<Utc>,
}

/// Step 1: finds the access key id and the scheme, without the secret.
///
/// V3 when an `Authorization` header with an `ACS3-` algorithm is present, otherwise V1 when the
/// merged parameters carry `Signature` or `AccessKeyId`. Errors are `IncompleteSignature`.
pub fn identify(req: &SignedRequest, params: &Params) -> Result<Claim, ApiError> {
    let authorization = req
        .headers
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
        .filter(|v| !v.is_empty());
    if let Some(auth) = authorization.as_deref().filter(|a| a.starts_with("ACS3-")) {
        return parse_v3_authorization(auth);
    }
    if params.get("Signature").is_some() || params.get("AccessKeyId").is_some() {
        return identify_v1(params);
    }
    if authorization.is_some() {
        return Err(incomplete(
            "The Authorization header is not supported; sign with ACS3-HMAC-SHA256 or with the V1 HMAC-SHA1 parameters.",
        ));
    }
    Err(incomplete(
        "The request is not signed: expected an \"Authorization: ACS3-HMAC-SHA256 …\" header or the AccessKeyId and Signature parameters.",
    ))
}

/// Step 2: verifies `claim` (from [`identify`] on the same request) with the caller's `secret`:
/// required signed headers and payload hash (V3), signature (constant-time), and a timestamp
/// within [`MAX_SKEW_SECS`] of `now`. Nonce reuse is not checked here (see [`NonceCache`]).
pub fn verify(
    claim: &Claim,
    req: &SignedRequest,
    params: &Params,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Verified, ApiError> {
    let (nonce, timestamp) = match claim.scheme {
        Scheme::V3 => verify_v3(claim, req, secret)?,
        Scheme::V1 => verify_v1(claim, req, params, secret)?,
    };
    if (now - timestamp).num_seconds().abs() > MAX_SKEW_SECS {
        return Err(ApiError::new(
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired.",
        ));
    }
    Ok(Verified {
        access_key_id: claim.access_key_id.clone(),
        scheme: claim.scheme,
        nonce,
        timestamp,
    })
}

/// `InvalidAccessKeyId.NotFound` (HTTP 404) for an access key id the caller does not know.
pub fn unknown_key(access_key_id: &str) -> ApiError {
    tracing::debug!(access_key_id, "unknown access key id");
    ApiError::new(
        "InvalidAccessKeyId.NotFound",
        "Specified access key is not found.",
    )
    .status(404)
}

// ---------------------------------------------------------------------------------------------
// Client side (tests, benchmarks, tools)
// ---------------------------------------------------------------------------------------------

/// RFC 3986 percent-encoding as both signature schemes use it (`~` kept, space ⇒ `%20`,
/// `*` ⇒ `%2A`).
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// Builds a wire query string (`a=1&b=x%20y`) from pairs in the given order.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs a request with V3 like the official SDKs: sets `x-acs-content-sha256` and
/// `Authorization`, signing `host`, `content-type` (if present) and every `x-acs-*` header.
/// The caller sets `host`, `x-acs-action`, `x-acs-version`, `x-acs-date` and
/// `x-acs-signature-nonce` first, and sends `query_pairs` (e.g. via [`encode_query`]).
///
/// # Panics
/// If `key_id` contains characters that are not allowed in a header value.
pub fn sign_v3(
    method: &str,
    path: &str,
    query_pairs: &[(String, String)],
    headers: &mut HeaderMap,
    body: &[u8],
    key_id: &str,
    secret: &str,
) {
    let payload_hash = hex::encode(Sha256::digest(body));
    headers.insert(
        HeaderName::from_static("x-acs-content-sha256"),
        HeaderValue::from_str(&payload_hash).expect("hex is a valid header value"),
    );
    let mut names: Vec<&str> = headers
        .keys()
        .map(HeaderName::as_str)
        .filter(|n| *n == "host" || *n == "content-type" || n.starts_with("x-acs-"))
        .collect();
    names.sort_unstable();
    let signed_headers = names.join(";");
    let canonical = v3_canonical_request(
        method,
        path,
        &canonical_query(query_pairs),
        headers,
        &signed_headers,
        &payload_hash,
    );
    let signature = hex::encode(hmac_sha256(secret, &v3_string_to_sign(&canonical)));
    let value = format!(
        "{V3_ALGORITHM} Credential={key_id},SignedHeaders={signed_headers},Signature={signature}"
    );
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_str(&value).expect("access key id must be a valid header value"),
    );
}

/// Signs V1 parameters like the legacy SDKs: replaces any `Signature` pair with
/// `Base64(HMAC-SHA1(secret + "&", StringToSign))` over all other pairs. The caller adds the
/// common parameters (`AccessKeyId`, `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`,
/// `SignatureNonce`, `Timestamp`, `Action`, `Version`, `Format`) first. With duplicate names the
/// last value is signed (it is the one the server reads).
pub fn sign_v1(method: &str, params: &mut Vec<(String, String)>, secret: &str) {
    params.retain(|(k, _)| k != "Signature");
    let merged: std::collections::BTreeMap<&str, &str> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let string_to_sign = v1_string_to_sign(method, merged);
    params.push((
        "Signature".to_owned(),
        v1_signature(secret, &string_to_sign),
    ));
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

fn incomplete(message: impl Into<String>) -> ApiError {
    ApiError::new("IncompleteSignature", message)
}

fn mismatch(message: impl Into<String>) -> ApiError {
    ApiError::new("SignatureDoesNotMatch", message)
}

fn parse_v3_authorization(auth: &str) -> Result<Claim, ApiError> {
    let (algorithm, rest) = auth
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((auth, ""));
    if algorithm != V3_ALGORITHM {
        return Err(incomplete(format!(
            "The signature algorithm {algorithm} is not supported; use {V3_ALGORITHM}."
        )));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let Some((name, value)) = part.split_once('=') else {
            return Err(malformed_authorization());
        };
        let slot = match name.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(malformed_authorization()),
        };
        if slot.replace(value.trim()).is_some() {
            return Err(malformed_authorization());
        }
    }
    let (Some(credential), Some(signed_headers), Some(signature)) =
        (credential, signed_headers, signature)
    else {
        return Err(malformed_authorization());
    };
    if credential.is_empty()
        || signature.is_empty()
        || signed_headers.split(';').any(|h| h.trim().is_empty())
    {
        return Err(malformed_authorization());
    }
    Ok(Claim {
        access_key_id: credential.to_owned(),
        scheme: Scheme::V3,
        signature: signature.to_owned(),
        signed_headers: signed_headers.to_owned(),
    })
}

fn malformed_authorization() -> ApiError {
    incomplete(format!(
        "The Authorization header is malformed; expected \"{V3_ALGORITHM} Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,Signature=<hex>\"."
    ))
}

fn identify_v1(params: &Params) -> Result<Claim, ApiError> {
    let Some(access_key_id) = params.get("AccessKeyId") else {
        return Err(incomplete(
            "The request has a Signature but no AccessKeyId parameter.",
        ));
    };
    let Some(signature) = params.get("Signature") else {
        return Err(incomplete(
            "The request has an AccessKeyId but no Signature parameter.",
        ));
    };
    // Absent SignatureMethod/SignatureVersion are read as the V1 defaults; the signature check
    // still uses HMAC-SHA1.
    if let Some(method) = params.get("SignatureMethod")
        && method != "HMAC-SHA1"
    {
        return Err(incomplete(format!(
            "The signature method {method} is not supported; use HMAC-SHA1."
        )));
    }
    if let Some(version) = params.get("SignatureVersion")
        && version != "1.0"
    {
        return Err(incomplete(format!(
            "The signature version {version} is not supported; use 1.0."
        )));
    }
    Ok(Claim {
        access_key_id: access_key_id.to_owned(),
        scheme: Scheme::V1,
        signature: signature.to_owned(),
        signed_headers: String::new(),
    })
}

/// Checks a V3 request; returns its nonce and timestamp.
fn verify_v3(
    claim: &Claim,
    req: &SignedRequest,
    secret: &str,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let signed: Vec<String> = claim
        .signed_headers
        .split(';')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let unsigned: Vec<&str> = REQUIRED_V3_HEADERS
        .into_iter()
        .filter(|r| !signed.iter().any(|s| s == r))
        .collect();
    if !unsigned.is_empty() {
        return Err(incomplete(format!(
            "SignedHeaders must include {}.",
            unsigned.join(", ")
        )));
    }
    // The content type decides whether the body's parameters are read: unsigned, it could be
    // flipped to drop (or add) every body parameter of a signed request.
    if !req.body.is_empty() && !signed.iter().any(|s| s == "content-type") {
        return Err(incomplete(
            "A request with a body must list content-type in SignedHeaders.",
        ));
    }
    let header = |name: &str| {
        req.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut values = HashMap::new();
    let mut missing = Vec::new();
    for name in REQUIRED_V3_HEADERS {
        match header(name) {
            Some(value) => {
                values.insert(name, value);
            }
            None => missing.push(name),
        }
    }
    if !missing.is_empty() {
        return Err(incomplete(format!(
            "The signed header(s) {} are missing or empty.",
            missing.join(", ")
        )));
    }
    let date = &values["x-acs-date"];
    let nonce = values["x-acs-signature-nonce"].clone();
    let content_sha = &values["x-acs-content-sha256"];
    let timestamp = parse_timestamp(date)?;

    let payload_hash = hex::encode(Sha256::digest(req.body));
    if !content_sha.eq_ignore_ascii_case(&payload_hash) {
        return Err(mismatch(format!(
            "{SIGNATURE_MISMATCH} The x-acs-content-sha256 header is not the SHA-256 of the request body."
        )));
    }
    let query_pairs: Vec<(String, String)> =
        form_urlencoded::parse(req.raw_query.trim_start_matches('?').as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let canonical = v3_canonical_request(
        req.method,
        req.path,
        &canonical_query(&query_pairs),
        req.headers,
        &claim.signed_headers,
        &payload_hash,
    );
    let expected = hex::encode(hmac_sha256(secret, &v3_string_to_sign(&canonical)));
    let given = claim.signature.to_ascii_lowercase();
    if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return Err(mismatch(SIGNATURE_MISMATCH));
    }
    Ok((nonce, timestamp))
}

/// Checks a V1 request; returns its nonce and timestamp.
fn verify_v1(
    claim: &Claim,
    req: &SignedRequest,
    params: &Params,
    secret: &str,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let timestamp = parse_timestamp(params.required("Timestamp")?)?;
    let nonce = params.required("SignatureNonce")?.to_owned();
    // Like aliyun-python-sdk-core and tea-rpc: sign the merged (body over query) parameter set.
    let signed = params
        .merged()
        .iter()
        .filter(|(k, _)| *k != "Signature")
        .map(|(k, v)| (k.as_str(), v.as_str()));
    let string_to_sign = v1_string_to_sign(req.method, signed);
    let expected = v1_signature(secret, &string_to_sign);
    if !bool::from(expected.as_bytes().ct_eq(claim.signature.as_bytes())) {
        return Err(mismatch(format!(
            "{SIGNATURE_MISMATCH} server string to sign is:{string_to_sign}"
        )));
    }
    Ok((nonce, timestamp))
}

/// `YYYY-MM-DDThh:mm:ssZ` (what SDKs send); other RFC 3339 forms are accepted too.
fn parse_timestamp(value: &str) -> Result<DateTime<Utc>, ApiError> {
    NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| t.and_utc())
        .or_else(|_| DateTime::parse_from_rfc3339(value).map(|t| t.with_timezone(&Utc)))
        .map_err(|_| {
            ApiError::new(
                "InvalidTimeStamp.Format",
                format!(
                    "Specified time stamp or date value is not well formatted: \"{value}\" (expected YYYY-MM-DDThh:mm:ssZ in UTC)."
                ),
            )
        })
}

/// CanonicalQueryString: every pair RFC 3986-encoded, sorted by name then value (byte order of
/// the decoded strings, as the SDKs sort), `name=value` joined by `&`.
fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort();
    sorted
        .into_iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The V3 canonical request; `signed_headers` is the `;`-separated list exactly as signed.
fn v3_canonical_request(
    method: &str,
    path: &str,
    canonical_query: &str,
    headers: &HeaderMap,
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    let mut canonical_headers = String::new();
    for name in signed_headers.split(';') {
        let name = name.trim().to_ascii_lowercase();
        let mut values: Vec<String> = headers
            .get_all(name.as_str())
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
            .collect();
        values.sort();
        canonical_headers.push_str(&name);
        canonical_headers.push(':');
        canonical_headers.push_str(&values.join(","));
        canonical_headers.push('\n');
    }
    let path = if path.is_empty() { "/" } else { path };
    format!(
        "{method}\n{path}\n{canonical_query}\n{canonical_headers}\n{signed_headers}\n{payload_hash}"
    )
}

fn v3_string_to_sign(canonical_request: &str) -> String {
    format!(
        "{V3_ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// `METHOD&%2F&percentEncode(sorted name=value&…)`; `pairs` must already be sorted by name.
fn v1_string_to_sign<'a>(
    method: &str,
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> String {
    let canonicalized = pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{method}&%2F&{}", percent_encode(&canonicalized))
}

fn v1_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn hmac_sha256(secret: &str, message: &str) -> Vec<u8> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    /// A raw request captured from an official SDK (see the fixture comments).
    struct Fixture {
        method: &'static str,
        path_and_query: &'static str,
        headers: &'static [(&'static str, &'static str)],
        body: &'static str,
    }

    // Captured on 127.0.0.1 from the official Python SDKs with AK `testAK` / secret `testSecret`:
    // `alibabacloud-privatelink20200415` 4.0.9 (tea-openapi 0.4.6, V3) and
    // `aliyun-python-sdk-privatelink` 1.0.8 + `aliyun-python-sdk-core` 2.16.1 (V1).
    // Note: the V3 SDK sends `Accept-Encoding` without signing it, encodes spaces in the query as
    // `+` and signs them as `%20`; the V1 SDK encodes spaces as `%20`, signs body parameters too,
    // and sends unsigned `x-acs-action` / `Content-MD5` headers.

    /// V3, business parameters in the query (booleans `True`, `Tag.1.Value` = `v 1*~`).
    const V3_CREATE_SERVICE: Fixture = Fixture {
        method: "POST",
        path_and_query: "/?AutoAcceptEnabled=True&DryRun=False&RegionId=cn-hangzhou&Resource.1.ResourceId=lb-abc&Resource.1.ResourceType=slb&Resource.1.ZoneId=cn-hangzhou-b&ServiceDescription=my+svc+%2A~&ServiceResourceType=slb&SupportedRegionList.1=cn-shanghai&SupportedRegionList.2=cn-beijing&Tag.1.Key=k1&Tag.1.Value=v+1%2A~&ZoneAffinityEnabled=True",
        headers: &[
            ("Accept-Encoding", "identity"),
            ("host", "127.0.0.1:39843"),
            ("x-acs-version", "2020-04-15"),
            ("x-acs-action", "CreateVpcEndpointService"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-date", "2026-11-27T09:09:18Z"),
            ("x-acs-signature-nonce", "31c3ac701f634ad2ee3e995d777aa025"),
            ("accept", "application/json"),
            (
                "x-acs-content-sha256",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            (
                "Authorization",
                "ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=61d20b8925ed7e6578c46b3c8b9552ce09a6e1cf3f7175a2bad573d3863b76c3",
            ),
            ("Content-Length", "0"),
        ],
        body: "",
    };

    /// V3, TagResources with a form body (the Python SDK signs `content-type`).
    const V3_TAG_RESOURCES_FORM: Fixture = Fixture {
        method: "POST",
        path_and_query: "/",
        headers: &[
            ("Accept-Encoding", "identity"),
            ("host", "127.0.0.1:39843"),
            ("x-acs-version", "2020-04-15"),
            ("x-acs-action", "TagResources"),
            (
                "user-agent",
                "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
            ),
            ("x-acs-date", "2026-11-27T09:09:18Z"),
            ("x-acs-signature-nonce", "46a1415192457dc445ad27ea317afc20"),
            ("accept", "application/json"),
            ("content-type", "application/x-www-form-urlencoded"),
            (
                "x-acs-content-sha256",
                "91d8624ebc539f1d837dd557159070fd361ed5172b6e6756d935270bdee622e4",
            ),
            ("x-acs-credentials-provider", "static_ak"),
            (
                "Authorization",
                "ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=accept;content-type;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=c79c9b71a42a1a1778488c111ca2546d9d33e17fdc117d85c05f207fd484ef37",
            ),
            ("Content-Length", "132"),
        ],
        body: "DryRun=True&RegionId=cn-hangzhou&ResourceId.1=ep-1&ResourceId.2=ep-2&ResourceType=vpcendpoint&Tag.1.Key=team+a&Tag.1.Value=x%2Ay%2Fz",
    };

    /// V1 (legacy SDK), everything in the query, empty `SignatureType=`.
    const V1_CREATE_SERVICE: Fixture = Fixture {
        method: "POST",
        path_and_query: "/?AutoAcceptEnabled=True&ServiceResourceType=slb&DryRun=False&Resource.1.ResourceType=slb&Resource.1.ResourceId=lb-1&Resource.1.ZoneId=cn-hangzhou-b&ServiceDescription=my%20svc%20%2A~&Tag.1.Key=k1&Tag.1.Value=v%201%2A~&Version=2020-04-15&Action=CreateVpcEndpointService&Format=JSON&RegionId=cn-hangzhou&Timestamp=2026-11-27T09%3A09%3A19Z&SignatureMethod=HMAC-SHA1&SignatureType=&SignatureVersion=1.0&SignatureNonce=45f42612a2c3b2a19b8b9bf4a7d85e2b&AccessKeyId=testAK&Signature=bFdc5IQeBi2wb0Z5%2FF0plU%2F7c3w%3D",
        headers: &[
            ("Host", "127.0.0.1:39843"),
            (
                "User-Agent",
                "AlibabaCloud (Linux 6.18.44-fc-v657;x86_64) Python/3.11.7 Core/2.16.1 python-requests/2.18.3",
            ),
            ("Accept-Encoding", "identity"),
            ("Accept", "*/*"),
            ("Connection", "keep-alive"),
            ("x-acs-action", "CreateVpcEndpointService"),
            ("x-acs-version", "2020-04-15"),
            ("x-sdk-invoke-type", "normal"),
            ("x-sdk-client", "python/2.0.0"),
            ("Content-Length", "0"),
        ],
        body: "",
    };

    /// V1 (legacy SDK), TagResources with business parameters in a form body.
    const V1_TAG_RESOURCES_FORM: Fixture = Fixture {
        method: "POST",
        path_and_query: "/?Version=2020-04-15&Action=TagResources&Format=JSON&RegionId=cn-hangzhou&Timestamp=2026-11-27T09%3A09%3A19Z&SignatureMethod=HMAC-SHA1&SignatureType=&SignatureVersion=1.0&SignatureNonce=3d38cbcf57cb640b8dd7a9bdddf426bd&AccessKeyId=testAK&Signature=krrkb8FIlO8GdD1eyk8T6YAxbdA%3D",
        headers: &[
            ("Host", "127.0.0.1:39843"),
            (
                "User-Agent",
                "AlibabaCloud (Linux 6.18.44-fc-v657;x86_64) Python/3.11.7 Core/2.16.1 python-requests/2.18.3",
            ),
            ("Accept-Encoding", "identity"),
            ("Accept", "*/*"),
            ("Connection", "keep-alive"),
            ("x-acs-action", "TagResources"),
            ("x-acs-version", "2020-04-15"),
            ("x-sdk-invoke-type", "normal"),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("x-sdk-client", "python/2.0.0"),
            ("Content-MD5", "Jo5zU03WaJRw6N3lNmp3Ag=="),
            ("Content-Length", "81"),
        ],
        body: "ResourceType=VpcEndpoint&ResourceId.1=ep-1&Tag.1.Key=team+a&Tag.1.Value=x%2Ay%2Fz",
    };

    fn split(fx: &Fixture) -> (&'static str, &'static str) {
        fx.path_and_query
            .split_once('?')
            .unwrap_or((fx.path_and_query, ""))
    }

    fn header_map(headers: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    fn is_form(headers: &HeaderMap) -> bool {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
    }

    /// identify + verify of one raw request, as the cloud API handler will do it.
    fn check_raw(
        method: &str,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Verified, ApiError> {
        let (path, raw_query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let params = Params::parse(raw_query, is_form(headers).then_some(body));
        let req = SignedRequest {
            method,
            path,
            raw_query,
            headers,
            body,
        };
        let claim = identify(&req, &params)?;
        assert_eq!(claim.access_key_id, "testAK");
        verify(&claim, &req, &params, secret, now)
    }

    fn check(fx: &Fixture, secret: &str, now: DateTime<Utc>) -> Result<Verified, ApiError> {
        check_raw(
            fx.method,
            fx.path_and_query,
            &header_map(fx.headers),
            fx.body.as_bytes(),
            secret,
            now,
        )
    }

    /// The fixture's own signing time (x-acs-date or Timestamp).
    fn time_of(fx: &Fixture) -> DateTime<Utc> {
        let headers = header_map(fx.headers);
        let raw = match headers.get("x-acs-date") {
            Some(v) => v.to_str().unwrap().to_string(),
            None => Params::parse(split(fx).1, None)
                .get("Timestamp")
                .unwrap()
                .to_string(),
        };
        parse_timestamp(&raw).unwrap()
    }

    fn code(result: Result<Verified, ApiError>) -> String {
        result.expect_err("expected an error").code
    }

    const ALL: [&Fixture; 4] = [
        &V3_CREATE_SERVICE,
        &V3_TAG_RESOURCES_FORM,
        &V1_CREATE_SERVICE,
        &V1_TAG_RESOURCES_FORM,
    ];

    #[test]
    fn real_sdk_requests_verify() {
        let expected = [
            (Scheme::V3, "31c3ac701f634ad2ee3e995d777aa025"),
            (Scheme::V3, "46a1415192457dc445ad27ea317afc20"),
            (Scheme::V1, "45f42612a2c3b2a19b8b9bf4a7d85e2b"),
            (Scheme::V1, "3d38cbcf57cb640b8dd7a9bdddf426bd"),
        ];
        for (fx, (scheme, nonce)) in ALL.into_iter().zip(expected) {
            let now = time_of(fx);
            let verified = check(fx, "testSecret", now)
                .unwrap_or_else(|e| panic!("{}: {e}", fx.path_and_query));
            assert_eq!(verified.access_key_id, "testAK");
            assert_eq!(verified.scheme, scheme);
            assert_eq!(verified.nonce, nonce);
            assert_eq!(verified.timestamp, now);
        }
        assert_eq!(
            time_of(&V3_CREATE_SERVICE),
            Utc.with_ymd_and_hms(2026, 11, 27, 9, 9, 18).unwrap()
        );
    }

    #[test]
    fn real_sdk_requests_parse_as_expected() {
        let (_, query) = split(&V3_CREATE_SERVICE);
        let params = Params::parse(query, None);
        assert_eq!(params.get("ServiceDescription"), Some("my svc *~"));
        assert_eq!(params.bool("AutoAcceptEnabled"), Ok(Some(true)));
        assert_eq!(params.bool("DryRun"), Ok(Some(false)));
        assert_eq!(
            params.list("SupportedRegionList"),
            ["cn-shanghai", "cn-beijing"]
        );
        assert_eq!(params.objects("Tag")[0]["Value"], "v 1*~");
        assert_eq!(params.objects("Resource")[0]["ResourceId"], "lb-abc");
        let body = Params::parse("", Some(V3_TAG_RESOURCES_FORM.body.as_bytes()));
        assert_eq!(body.list("ResourceId"), ["ep-1", "ep-2"]);
        assert_eq!(body.objects("Tag")[0]["Key"], "team a");
        assert_eq!(body.objects("Tag")[0]["Value"], "x*y/z");
    }

    #[test]
    fn real_sdk_requests_reject_wrong_secret() {
        for fx in ALL {
            let err = check(fx, "testSecreT", time_of(fx)).unwrap_err();
            assert_eq!(err.code, "SignatureDoesNotMatch", "{}", fx.path_and_query);
            assert!(err.message.starts_with(SIGNATURE_MISMATCH));
            assert_eq!(err.http_status, 400);
        }
    }

    #[test]
    fn real_sdk_requests_reject_one_altered_query_character() {
        for fx in [
            &V3_CREATE_SERVICE,
            &V1_CREATE_SERVICE,
            &V1_TAG_RESOURCES_FORM,
        ] {
            let altered =
                fx.path_and_query
                    .replacen("RegionId=cn-hangzhou", "RegionId=cn-hangzhoU", 1);
            assert_ne!(altered, fx.path_and_query);
            let result = check_raw(
                fx.method,
                &altered,
                &header_map(fx.headers),
                fx.body.as_bytes(),
                "testSecret",
                time_of(fx),
            );
            assert_eq!(code(result), "SignatureDoesNotMatch", "{altered}");
        }
        // `+` and `%20` decode to the same space, so re-encoding a space differently is fine…
        let respaced = V3_CREATE_SERVICE
            .path_and_query
            .replace("my+svc+", "my%20svc%20");
        let fx = &V3_CREATE_SERVICE;
        let ok = check_raw(
            fx.method,
            &respaced,
            &header_map(fx.headers),
            b"",
            "testSecret",
            time_of(fx),
        );
        assert!(ok.is_ok(), "{ok:?}");
        // …but turning the `*` into a literal `+` (a space) is not.
        let starless = V3_CREATE_SERVICE.path_and_query.replace("v+1%2A~", "v+1+~");
        let bad = check_raw(
            fx.method,
            &starless,
            &header_map(fx.headers),
            b"",
            "testSecret",
            time_of(fx),
        );
        assert_eq!(code(bad), "SignatureDoesNotMatch");
        // An extra query parameter on the V3 form-body request breaks the signature.
        let fx = &V3_TAG_RESOURCES_FORM;
        let extra = check_raw(
            fx.method,
            "/?RegionId=cn-beijing",
            &header_map(fx.headers),
            fx.body.as_bytes(),
            "testSecret",
            time_of(fx),
        );
        assert_eq!(code(extra), "SignatureDoesNotMatch");
    }

    #[test]
    fn real_sdk_requests_reject_an_altered_body() {
        for fx in [&V3_TAG_RESOURCES_FORM, &V1_TAG_RESOURCES_FORM] {
            let body = fx.body.replacen("ep-1", "ep-9", 1);
            assert_ne!(body, fx.body);
            let result = check_raw(
                fx.method,
                fx.path_and_query,
                &header_map(fx.headers),
                body.as_bytes(),
                "testSecret",
                time_of(fx),
            );
            let err = result.unwrap_err();
            assert_eq!(err.code, "SignatureDoesNotMatch");
            if fx.headers.iter().any(|(k, _)| *k == "x-acs-content-sha256") {
                assert!(
                    err.message.contains("x-acs-content-sha256"),
                    "{}",
                    err.message
                );
            } else {
                assert!(
                    err.message.contains("server string to sign is:POST&%2F&"),
                    "{}",
                    err.message
                );
                assert!(err.message.contains("ep-9"));
            }
        }
    }

    fn with_header(fx: &Fixture, name: &str, value: &str) -> HeaderMap {
        let mut headers = header_map(fx.headers);
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn real_v3_requests_reject_an_altered_signed_header() {
        for fx in [&V3_CREATE_SERVICE, &V3_TAG_RESOURCES_FORM] {
            for (name, value) in [
                ("x-acs-action", "DeleteVpcEndpointService"),
                ("host", "127.0.0.1:39844"),
                ("user-agent", "curl/8"),
                ("x-acs-signature-nonce", "31c3ac701f634ad2ee3e995d777aa026"),
                ("x-acs-date", "2026-11-27T09:09:19Z"),
            ] {
                let headers = with_header(fx, name, value);
                let result = check_raw(
                    fx.method,
                    fx.path_and_query,
                    &headers,
                    fx.body.as_bytes(),
                    "testSecret",
                    time_of(fx),
                );
                assert_eq!(code(result), "SignatureDoesNotMatch", "{name}");
            }
            // Headers outside SignedHeaders may change (proxies add/alter them).
            let headers = with_header(fx, "accept-encoding", "gzip");
            let result = check_raw(
                fx.method,
                fx.path_and_query,
                &headers,
                fx.body.as_bytes(),
                "testSecret",
                time_of(fx),
            );
            assert!(result.is_ok(), "{result:?}");
            // Another HTTP method is another canonical request.
            let result = check_raw(
                "GET",
                fx.path_and_query,
                &header_map(fx.headers),
                fx.body.as_bytes(),
                "testSecret",
                time_of(fx),
            );
            assert_eq!(code(result), "SignatureDoesNotMatch");
        }
    }

    #[test]
    fn real_v1_requests_ignore_unsigned_headers_but_not_the_method() {
        for fx in [&V1_CREATE_SERVICE, &V1_TAG_RESOURCES_FORM] {
            let headers = with_header(fx, "x-acs-action", "DeleteVpcEndpointService");
            let result = check_raw(
                fx.method,
                fx.path_and_query,
                &headers,
                fx.body.as_bytes(),
                "testSecret",
                time_of(fx),
            );
            assert!(result.is_ok(), "{result:?}");
            let result = check_raw(
                "GET",
                fx.path_and_query,
                &header_map(fx.headers),
                fx.body.as_bytes(),
                "testSecret",
                time_of(fx),
            );
            let err = result.unwrap_err();
            assert_eq!(err.code, "SignatureDoesNotMatch");
            assert!(
                err.message
                    .contains("server string to sign is:GET&%2F&AccessKeyId%3DtestAK%26"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn real_sdk_requests_expire_after_fifteen_minutes() {
        for fx in ALL {
            let t = time_of(fx);
            for ok in [
                t + Duration::minutes(15),
                t - Duration::minutes(15),
                t + Duration::seconds(1),
            ] {
                assert!(check(fx, "testSecret", ok).is_ok());
            }
            for late in [
                t + Duration::minutes(15) + Duration::seconds(1),
                t - Duration::minutes(16),
            ] {
                let err = check(fx, "testSecret", late).unwrap_err();
                assert_eq!(err.code, "InvalidTimeStamp.Expired");
                assert_eq!(
                    err.message,
                    "Specified time stamp or date value is expired."
                );
            }
            // A bad signature is reported before the expiry.
            let err = check(fx, "nope", t + Duration::hours(2)).unwrap_err();
            assert_eq!(err.code, "SignatureDoesNotMatch");
        }
    }

    // ---- round trips with our own signer --------------------------------------------------

    fn v3_headers(action: &str, date: &str, nonce: &str) -> HeaderMap {
        header_map(&[
            ("host", "privatelink.cn-hangzhou.aliyuncs.com"),
            ("x-acs-action", action),
            ("x-acs-version", "2020-04-15"),
            ("x-acs-date", date),
            ("x-acs-signature-nonce", nonce),
            ("user-agent", "linkyard-test"),
        ])
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    const DATE: &str = "2026-01-02T03:04:05Z";

    fn now() -> DateTime<Utc> {
        parse_timestamp(DATE).unwrap()
    }

    #[test]
    fn v3_round_trip_query_and_body() {
        let query = pairs(&[
            ("Zone.1.ip", "10.0.0.5"),
            ("ServiceDescription", "a b*c~d/e+f 中"),
            ("Empty", ""),
            ("AutoAcceptEnabled", "True"),
            ("Tag.1.Value", "x=y&z"),
        ]);
        let raw_query = encode_query(&query);
        let mut headers = v3_headers("CreateVpcEndpoint", DATE, "n-1");
        sign_v3("POST", "/", &query, &mut headers, b"", "testAK", "s3cr3t");
        let auth = headers[header::AUTHORIZATION].to_str().unwrap();
        assert!(
            auth.starts_with("ACS3-HMAC-SHA256 Credential=testAK,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature="),
            "{auth}"
        );
        let verified = check_raw(
            "POST",
            &format!("/?{raw_query}"),
            &headers,
            b"",
            "s3cr3t",
            now(),
        )
        .unwrap();
        assert_eq!(verified.scheme, Scheme::V3);
        assert_eq!(verified.nonce, "n-1");
        // The same parameters sent form-style (`+` for spaces, different order) still verify.
        let form_style: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query.iter().rev())
            .finish();
        assert!(form_style.contains('+'));
        assert!(
            check_raw(
                "POST",
                &format!("/?{form_style}"),
                &headers,
                b"",
                "s3cr3t",
                now()
            )
            .is_ok()
        );
        assert_eq!(
            code(check_raw(
                "POST",
                &format!("/?{raw_query}"),
                &headers,
                b"",
                "other",
                now()
            )),
            "SignatureDoesNotMatch"
        );

        // Form body, content-type signed.
        let body = b"ResourceId.1=ep-1&Tag.1.Key=a+b";
        let mut headers = v3_headers("TagResources", DATE, "n-2");
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        sign_v3("POST", "/", &[], &mut headers, body, "testAK", "s3cr3t");
        assert!(
            headers[header::AUTHORIZATION]
                .to_str()
                .unwrap()
                .contains("SignedHeaders=content-type;host;")
        );
        assert!(check_raw("POST", "/", &headers, body, "s3cr3t", now()).is_ok());
        assert_eq!(
            code(check_raw(
                "POST",
                "/",
                &headers,
                b"ResourceId.1=ep-2&Tag.1.Key=a+b",
                "s3cr3t",
                now()
            )),
            "SignatureDoesNotMatch"
        );
        // Changing the unsigned body hash header to match the new body is caught by the signature.
        let mut forged = headers.clone();
        forged.insert(
            "x-acs-content-sha256",
            HeaderValue::from_str(&hex::encode(Sha256::digest(b"x=1"))).unwrap(),
        );
        let err = check_raw("POST", "/", &forged, b"x=1", "s3cr3t", now()).unwrap_err();
        assert_eq!(err.code, "SignatureDoesNotMatch");
        assert_eq!(err.message, SIGNATURE_MISMATCH);
    }

    #[test]
    fn v3_signature_is_case_insensitive_hex_and_repeated_headers_join_sorted() {
        let mut headers = v3_headers("DescribeRegions", DATE, "n-3");
        headers.append("x-acs-extra", HeaderValue::from_static(" b "));
        headers.append("x-acs-extra", HeaderValue::from_static("a"));
        let canonical = v3_canonical_request("POST", "/", "", &headers, "x-acs-extra", "h");
        assert_eq!(canonical, "POST\n/\n\nx-acs-extra:a,b\n\nx-acs-extra\nh");
        sign_v3("POST", "/", &[], &mut headers, b"", "testAK", "k");
        assert!(check_raw("POST", "/", &headers, b"", "k", now()).is_ok());
        let upper = headers[header::AUTHORIZATION]
            .to_str()
            .unwrap()
            .replace("Signature=", "SIGNATURE_MARK");
        let (head, sig) = upper.split_once("SIGNATURE_MARK").unwrap();
        let mut upper_headers = headers.clone();
        upper_headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("{head}Signature={}", sig.to_uppercase())).unwrap(),
        );
        assert!(check_raw("POST", "/", &upper_headers, b"", "k", now()).is_ok());
    }

    #[test]
    fn v3_requires_the_gateway_headers_to_be_signed_and_sent() {
        // Not sent at all, so not signed either.
        let mut headers = v3_headers("DescribeRegions", DATE, "n");
        headers.remove("x-acs-signature-nonce");
        sign_v3("POST", "/", &[], &mut headers, b"", "testAK", "k");
        let err = check_raw("POST", "/", &headers, b"", "k", now()).unwrap_err();
        assert_eq!(err.code, "IncompleteSignature");
        assert!(
            err.message.contains("x-acs-signature-nonce"),
            "{}",
            err.message
        );

        // Signed list names a required header whose value is empty.
        let mut headers = v3_headers("DescribeRegions", DATE, "n");
        headers.insert("x-acs-version", HeaderValue::from_static(""));
        sign_v3("POST", "/", &[], &mut headers, b"", "testAK", "k");
        let err = check_raw("POST", "/", &headers, b"", "k", now()).unwrap_err();
        assert_eq!(err.code, "IncompleteSignature");
        assert!(err.message.contains("x-acs-version"), "{}", err.message);

        // Real SDK request whose SignedHeaders drops `host`.
        let fx = &V3_CREATE_SERVICE;
        let auth = fx
            .headers
            .iter()
            .find(|(k, _)| *k == "Authorization")
            .unwrap()
            .1;
        let headers = with_header(fx, "authorization", &auth.replace(";host;", ";"));
        let err = check_raw(
            fx.method,
            fx.path_and_query,
            &headers,
            b"",
            "testSecret",
            time_of(fx),
        )
        .unwrap_err();
        assert_eq!(err.code, "IncompleteSignature");
        assert!(err.message.contains("host"));
    }

    #[test]
    fn v3_bad_dates() {
        for date in ["2026-01-02 03:04:05", "yesterday", "2026-13-02T03:04:05Z"] {
            let mut headers = v3_headers("DescribeRegions", date, "n");
            sign_v3("POST", "/", &[], &mut headers, b"", "testAK", "k");
            let err = check_raw("POST", "/", &headers, b"", "k", now()).unwrap_err();
            assert_eq!(err.code, "InvalidTimeStamp.Format", "{date}");
        }
        // RFC 3339 variants are accepted.
        for date in ["2026-01-02T03:04:05.250Z", "2026-01-02T11:04:05+08:00"] {
            let mut headers = v3_headers("DescribeRegions", date, "n");
            sign_v3("POST", "/", &[], &mut headers, b"", "testAK", "k");
            let verified = check_raw("POST", "/", &headers, b"", "k", now()).unwrap();
            assert_eq!(verified.timestamp.timestamp(), now().timestamp(), "{date}");
        }
    }

    fn v1_params(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut list = pairs(&[
            ("Action", "CreateVpcEndpoint"),
            ("Version", "2020-04-15"),
            ("Format", "JSON"),
            ("AccessKeyId", "testAK"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureType", ""),
            ("SignatureNonce", "nonce-1"),
            ("Timestamp", DATE),
        ]);
        list.extend(pairs(extra));
        list
    }

    #[test]
    fn v1_round_trip_query_and_form_body() {
        let mut query = v1_params(&[("ServiceDescription", "a b*c~ 中"), ("Zone.1.ip", "")]);
        sign_v1("POST", &mut query, "s3cr3t");
        assert_eq!(query.last().unwrap().0, "Signature");
        let raw_query = encode_query(&query);
        let headers = HeaderMap::new();
        let verified = check_raw(
            "POST",
            &format!("/?{raw_query}"),
            &headers,
            b"",
            "s3cr3t",
            now(),
        )
        .unwrap();
        assert_eq!(verified.scheme, Scheme::V1);
        assert_eq!(verified.nonce, "nonce-1");
        assert_eq!(verified.timestamp, now());
        // Signing twice replaces the old signature.
        let mut again = query.clone();
        sign_v1("POST", &mut again, "s3cr3t");
        assert_eq!(again, query);

        // Common parameters in the query, business parameters in the body (Terraform style),
        // and a parameter in both places: the body value is the one signed and read.
        let mut all = v1_params(&[("RegionId", "cn-hangzhou"), ("EndpointName", "my ep")]);
        sign_v1("POST", &mut all, "s3cr3t");
        let (body_pairs, mut query_pairs): (Vec<_>, Vec<_>) = all
            .into_iter()
            .partition(|(k, _)| k == "EndpointName" || k == "RegionId");
        query_pairs.push(("RegionId".into(), "cn-beijing".into()));
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&body_pairs)
            .finish();
        let headers = header_map(&[(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )]);
        let path = format!("/?{}", encode_query(&query_pairs));
        assert!(check_raw("POST", &path, &headers, body.as_bytes(), "s3cr3t", now()).is_ok());
        // Without the body the signature no longer matches.
        assert_eq!(
            code(check_raw(
                "POST",
                &path,
                &HeaderMap::new(),
                b"",
                "s3cr3t",
                now()
            )),
            "SignatureDoesNotMatch"
        );
    }

    #[test]
    fn v1_known_answer_from_alibaba_docs() {
        // The worked example of Alibaba Cloud's RPC signature documentation (ECS DescribeRegions).
        let signed = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ];
        let sts = v1_string_to_sign("GET", signed);
        assert_eq!(
            sts,
            "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
        );
        assert_eq!(
            v1_signature("testsecret", &sts),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
        let query = format!(
            "{}&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D",
            encode_query(&pairs(&signed))
        );
        let params = Params::parse(&query, None);
        let headers = HeaderMap::new();
        let req = SignedRequest {
            method: "GET",
            path: "/",
            raw_query: &query,
            headers: &headers,
            body: b"",
        };
        let claim = identify(&req, &params).unwrap();
        assert_eq!(claim.access_key_id, "testid");
        let t = parse_timestamp("2016-02-23T12:46:24Z").unwrap();
        assert!(verify(&claim, &req, &params, "testsecret", t).is_ok());
    }

    #[test]
    fn v1_missing_or_bad_common_parameters() {
        for (drop, expected) in [
            ("Timestamp", "MissingParameter"),
            ("SignatureNonce", "MissingParameter"),
        ] {
            let mut list = v1_params(&[]);
            list.retain(|(k, _)| k != drop);
            sign_v1("POST", &mut list, "k");
            let err = check_raw(
                "POST",
                &format!("/?{}", encode_query(&list)),
                &HeaderMap::new(),
                b"",
                "k",
                now(),
            )
            .unwrap_err();
            assert_eq!(err.code, expected);
            assert!(err.message.contains(drop));
        }
        let mut list = v1_params(&[]);
        list.retain(|(k, _)| k != "Timestamp");
        list.push(("Timestamp".into(), "2026/01/02 03:04:05".into()));
        sign_v1("POST", &mut list, "k");
        let err = check_raw(
            "POST",
            &format!("/?{}", encode_query(&list)),
            &HeaderMap::new(),
            b"",
            "k",
            now(),
        )
        .unwrap_err();
        assert_eq!(err.code, "InvalidTimeStamp.Format");
    }

    fn identify_err(query: &str, headers: &[(&str, &str)]) -> ApiError {
        let headers = header_map(headers);
        let params = Params::parse(query, None);
        let req = SignedRequest {
            method: "POST",
            path: "/",
            raw_query: query,
            headers: &headers,
            body: b"",
        };
        identify(&req, &params).unwrap_err()
    }

    /// (query, headers, text expected in the message)
    type IdentifyCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

    #[test]
    fn identify_rejects_incomplete_credentials() {
        let cases: &[IdentifyCase] = &[
            ("Action=DescribeRegions", &[], "not signed"),
            ("", &[("authorization", "Bearer abc")], "not supported"),
            (
                "",
                &[(
                    "authorization",
                    "ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=ab",
                )],
                "ACS3-HMAC-SM3",
            ),
            (
                "",
                &[(
                    "authorization",
                    "ACS3-RSA-SHA256 Credential=a,SignedHeaders=host,Signature=ab",
                )],
                "ACS3-RSA-SHA256",
            ),
            (
                "",
                &[(
                    "authorization",
                    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host",
                )],
                "malformed",
            ),
            (
                "",
                &[(
                    "authorization",
                    "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab",
                )],
                "malformed",
            ),
            (
                "",
                &[(
                    "authorization",
                    "ACS3-HMAC-SHA256 Credential=a,Credential=b,SignedHeaders=host,Signature=ab",
                )],
                "malformed",
            ),
            (
                "",
                &[(
                    "authorization",
                    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;;x-acs-date,Signature=ab",
                )],
                "malformed",
            ),
            (
                "",
                &[(
                    "authorization",
                    "ACS3-HMAC-SHA256 Credential=a,Foo=b,SignedHeaders=host,Signature=ab",
                )],
                "malformed",
            ),
            ("", &[("authorization", "ACS3-HMAC-SHA256")], "malformed"),
            ("Signature=abc", &[], "no AccessKeyId"),
            ("AccessKeyId=testAK", &[], "no Signature"),
            (
                "AccessKeyId=testAK&Signature=abc&SignatureMethod=HMAC-SHA256",
                &[],
                "HMAC-SHA256",
            ),
            (
                "AccessKeyId=testAK&Signature=abc&SignatureVersion=2.0",
                &[],
                "2.0",
            ),
        ];
        for (query, headers, needle) in cases {
            let err = identify_err(query, headers);
            assert_eq!(err.code, "IncompleteSignature", "{query} {headers:?}");
            assert_eq!(err.http_status, 400);
            assert!(err.message.contains(needle), "{}: {}", needle, err.message);
        }
    }

    #[test]
    fn identify_picks_the_scheme_and_key() {
        let fx = &V3_CREATE_SERVICE;
        let headers = header_map(fx.headers);
        let params = Params::parse(split(fx).1, None);
        let req = SignedRequest {
            method: "POST",
            path: "/",
            raw_query: split(fx).1,
            headers: &headers,
            body: b"",
        };
        let claim = identify(&req, &params).unwrap();
        assert_eq!(
            (claim.scheme, claim.access_key_id.as_str()),
            (Scheme::V3, "testAK")
        );
        // V1 parameters win over a non-ACS3 Authorization header.
        let headers = header_map(&[("authorization", "Bearer x")]);
        let query = "AccessKeyId=ak2&Signature=abc";
        let params = Params::parse(query, None);
        let req = SignedRequest {
            method: "POST",
            path: "/",
            raw_query: query,
            headers: &headers,
            body: b"",
        };
        let claim = identify(&req, &params).unwrap();
        assert_eq!(
            (claim.scheme, claim.access_key_id.as_str()),
            (Scheme::V1, "ak2")
        );
    }

    #[test]
    fn unknown_key_is_404() {
        let err = unknown_key("nobody");
        assert_eq!(err.code, "InvalidAccessKeyId.NotFound");
        assert_eq!(err.message, "Specified access key is not found.");
        assert_eq!(err.http_status, 404);
    }

    #[test]
    fn percent_encoding_is_rfc3986() {
        assert_eq!(percent_encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(
            percent_encode("a b*/+=&:中"),
            "a%20b%2A%2F%2B%3D%26%3A%E4%B8%AD"
        );
        assert_eq!(
            canonical_query(&pairs(&[("b", "2"), ("a", "x y"), ("a", "*"), ("c", "")])),
            "a=%2A&a=x%20y&b=2&c="
        );
        assert_eq!(encode_query(&pairs(&[("k", "v 1*")])), "k=v%201%2A");
    }

    #[test]
    fn nonce_cache_rejects_replays_within_the_ttl() {
        let cache = NonceCache::new();
        let t = 1_700_000_000_000;
        assert!(cache.check_and_insert("ak", "n1", t).is_ok());
        let err = cache.check_and_insert("ak", "n1", t + 1000).unwrap_err();
        assert_eq!(err.code, "SignatureNonceUsed");
        assert_eq!(err.message, "Specified signature nonce was used already.");
        assert_eq!(err.http_status, 400);
        // Same nonce, other key: fine. Keys and nonces do not run into each other.
        assert!(cache.check_and_insert("ak2", "n1", t).is_ok());
        assert!(cache.check_and_insert("a", "kn1", t).is_ok());
        // Still remembered just before the TTL, forgotten after it.
        assert!(
            cache
                .check_and_insert("ak", "n1", t + NONCE_TTL_MS - 1)
                .is_err()
        );
        assert!(cache.check_and_insert("ak", "n1", t + NONCE_TTL_MS).is_ok());
        assert!(
            cache
                .check_and_insert("ak", "n1", t + NONCE_TTL_MS + 1)
                .is_err()
        );
        // Eviction drops expired entries.
        assert_eq!(cache.len(), 3);
        assert!(
            cache
                .check_and_insert("ak", "n2", t + 3 * NONCE_TTL_MS)
                .is_ok()
        );
        cache.evict_expired(t + 3 * NONCE_TTL_MS);
        assert_eq!(cache.len(), 1);
        assert!(!cache.is_empty());
    }

    #[test]
    fn nonce_cache_is_thread_safe() {
        let cache = std::sync::Arc::new(NonceCache::new());
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let cache = cache.clone();
                std::thread::spawn(move || {
                    (0..100)
                        .filter(|i| {
                            cache
                                .check_and_insert("ak", &format!("n{i}"), 1_000)
                                .is_ok()
                        })
                        .count()
                })
            })
            .collect();
        let accepted: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(accepted, 100);
        assert_eq!(cache.len(), 100);
    }
}
