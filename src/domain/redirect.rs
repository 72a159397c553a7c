//! Where the console may send a browser after signing in: only to a path of this site.

/// `next` when it is a same-site path, `None` otherwise.
///
/// Accepted: a path that starts with a single `/`, without a backslash, control characters or
/// whitespace (raw or percent-encoded), and without a percent-encoded `/` or `\` (which some
/// servers and browsers decode before routing). Everything else (`//evil`, `/\evil`, `/%09/evil`,
/// `https://evil`, `javascript:…`) could name another origin and is refused.
pub fn safe_next(next: &str) -> Option<&str> {
    let bytes = next.as_bytes();
    if next.len() > 2048 || bytes.first() != Some(&b'/') {
        return None;
    }
    if matches!(bytes.get(1), Some(b'/') | Some(b'\\')) {
        return None;
    }
    if next
        .chars()
        .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    {
        return None;
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
            let (Some(hi), Some(lo)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) else {
                return None;
            };
            let decoded = (hi * 16 + lo) as u8;
            if decoded == b'/' || decoded == b'\\' || decoded <= b' ' || decoded == 0x7f {
                return None;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn same_site_paths_pass() {
        for ok in [
            "/",
            "/services",
            "/endpoints/ep-bp1abc?tab=zones",
            "/activity?action=SignIn&since=2026-01-01",
            "/a%41b",
            "/search?q=%E4%B8%AD",
            "/x#frag",
        ] {
            assert_eq!(safe_next(ok), Some(ok), "{ok}");
        }
    }

    #[test]
    fn other_origins_and_tricks_are_refused() {
        for bad in [
            "",
            "services",
            "//evil.example",
            "//evil.example/path",
            "/\\evil.example",
            "\\\\evil.example",
            "/%09/evil.example",
            "/%2f/evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "/%5C%5Cevil.example",
            "/a\\b",
            "/a b",
            "/\t/evil.example",
            "/\n/evil.example",
            "/a\u{0}",
            "/a\u{a0}b",
            "https://evil.example",
            "javascript:alert(1)",
            " /services",
            "/%",
            "/%zz",
            "/%0a",
            "/%20",
            "/%7f",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), None);
    }
}
