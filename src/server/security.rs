//! What a public endpoint needs around every response: the public URL (secure cookies, the origin
//! the CSRF guard expects), the Content-Security-Policy of HTML pages and the other security
//! headers.

use axum::body::Body;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::Next;
use axum::response::Response;

/// The URL browsers use to reach the console (`--public-url`), e.g. behind a TLS proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    https: bool,
    /// `scheme://host[:port]`, lower-case, without a default port.
    origin: String,
}

impl PublicUrl {
    /// Parses `http(s)://host[:port][/]`; a path, query, fragment or credentials are refused.
    pub fn parse(url: &str) -> Result<Self, String> {
        let bad = |why: &str| format!("bad public URL `{url}`: {why}");
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("it needs a scheme, e.g. https://console.example.com"))?;
        let scheme = scheme.to_ascii_lowercase();
        let https = match scheme.as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(bad("the scheme must be http or https")),
        };
        let host = rest.strip_suffix('/').unwrap_or(rest);
        if host.is_empty() {
            return Err(bad("the host is missing"));
        }
        if host.contains(['/', '?', '#', '@', '\\']) || host.chars().any(|c| c.is_whitespace()) {
            return Err(bad(
                "give only scheme, host and port (no path, query or credentials)",
            ));
        }
        let mut host = host.to_ascii_lowercase();
        let default_port = if https { ":443" } else { ":80" };
        if let Some(h) = host.strip_suffix(default_port) {
            host = h.to_string();
        }
        Ok(Self {
            https,
            origin: format!("{scheme}://{host}"),
        })
    }

    /// True for an `https://` URL: cookies are `Secure` and `__Host-` prefixed.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// `scheme://host[:port]`, the value browsers send in `Origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

impl std::fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/", self.origin)
    }
}

/// The session cookie's name: `__Host-linkyard_session` over https (the browser then insists on
/// `Secure`, `Path=/` and no `Domain`), `linkyard_session` otherwise.
pub fn session_cookie_name(public_url: Option<&PublicUrl>) -> &'static str {
    if public_url.is_some_and(PublicUrl::is_https) {
        "__Host-linkyard_session"
    } else {
        "linkyard_session"
    }
}

/// The Content-Security-Policy of a console page whose inline scripts carry `nonce`.
///
/// Scripts: this origin and the page's nonce (the hydration loader, streamed resource chunks, the
/// theme script); `'wasm-unsafe-eval'` lets the WASM bundle compile. Styles come only from the
/// stylesheet (the console sets no inline styles). Nothing may frame the console.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The policy of HTML responses that did not set their own (no script runs).
const FALLBACK_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
                            base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Adds `X-Content-Type-Options: nosniff` to every response and, to HTML responses,
/// `X-Frame-Options: DENY`, `Referrer-Policy: same-origin` and a Content-Security-Policy when the
/// page did not set one (pages set theirs with a per-response nonce, see `ui::app::shell`).
pub async fn headers(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if html {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(FALLBACK_CSP),
            );
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls() {
        let u = PublicUrl::parse("HTTPS://Console.Example.com:443/").unwrap();
        assert!(u.is_https());
        assert_eq!(u.origin(), "https://console.example.com");
        let u = PublicUrl::parse("http://127.0.0.1:3000").unwrap();
        assert!(!u.is_https());
        assert_eq!(u.origin(), "http://127.0.0.1:3000");
        for bad in [
            "console.example.com",
            "ftp://x",
            "https://",
            "https://x/console",
            "https://u:p@x",
            "https://x?y",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            session_cookie_name(Some(&PublicUrl::parse("https://x").unwrap())),
            "__Host-linkyard_session"
        );
        assert_eq!(session_cookie_name(None), "linkyard_session");
    }

    #[test]
    fn csp_names_the_nonce_and_forbids_framing() {
        let p = page_csp("abc123");
        assert!(p.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        assert!(p.contains("frame-ancestors 'none'"));
        assert!(!p.contains("script-src 'self' 'unsafe-inline'"));
    }
}
