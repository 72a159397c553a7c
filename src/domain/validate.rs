//! Input rules shared by the console and the cloud API: names, descriptions, tags, enums.

use super::ApiError;
use super::state::IpVersion;

/// Endpoint types.
pub const ENDPOINT_TYPES: [&str; 3] = ["Interface", "GatewayLoadBalancer", "Reverse"];

/// Endpoint name: 2–128 chars, starts with a letter or Chinese character; letters, digits, `-`, `_`, `.`.
pub fn endpoint_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() {
        return Ok(());
    }
    let n = name.chars().count();
    let first = name.chars().next().unwrap();
    let ok = (2..=128).contains(&n)
        && (first.is_alphabetic())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ApiError::illegal(
            "EndpointName",
            "use 2 to 128 characters starting with a letter; letters, digits, hyphens, underscores and periods",
        ))
    }
}

/// Descriptions: up to 256 chars (2 minimum when set), not starting with `http://` or `https://`.
pub fn description(field: &str, text: &str) -> Result<(), ApiError> {
    if text.is_empty() {
        return Ok(());
    }
    let n = text.chars().count();
    if !(2..=256).contains(&n) || text.starts_with("http://") || text.starts_with("https://") {
        return Err(ApiError::illegal(
            field,
            "use 2 to 256 characters that do not start with http:// or https://",
        ));
    }
    Ok(())
}

/// One tag: key 1–64 chars, value ≤128; neither may start with `aliyun`/`acs:` or contain a URL scheme.
pub fn tag(key: &str, value: &str) -> Result<(), ApiError> {
    let bad = |s: &str| {
        s.starts_with("aliyun")
            || s.starts_with("acs:")
            || s.contains("http://")
            || s.contains("https://")
    };
    if key.is_empty() {
        return Err(ApiError::new(
            "MissingTagKeyParam",
            "The tag key is required.",
        ));
    }
    if key.chars().count() > 64 || bad(key) {
        return Err(ApiError::new(
            "IllegalTagKeyParam",
            format!("The tag key `{key}` is not allowed."),
        ));
    }
    if value.chars().count() > 128 || bad(value) {
        return Err(ApiError::new(
            "IllegalTagValueParam",
            format!("The tag value `{value}` is not allowed."),
        ));
    }
    Ok(())
}

/// A set of tags: each valid, keys unique, at most 20.
pub fn tags(tags: &[(String, String)]) -> Result<(), ApiError> {
    if tags.len() > 20 {
        return Err(ApiError::new(
            "QuotaExceed.TagsPerResource",
            "A resource can have at most 20 tags.",
        ));
    }
    for (i, (k, v)) in tags.iter().enumerate() {
        tag(k, v)?;
        if tags[..i].iter().any(|(k2, _)| k2 == k) {
            return Err(ApiError::new(
                "DuplicatedTagKey",
                format!("The tag key `{k}` is duplicated."),
            ));
        }
    }
    Ok(())
}

/// `IPv4` or `DualStack`; empty or absent means IPv4.
pub fn ip_version(v: Option<&str>) -> Result<IpVersion, ApiError> {
    match v.filter(|v| !v.is_empty()) {
        None => Ok(IpVersion::Ipv4),
        Some(v) => IpVersion::parse(v)
            .ok_or_else(|| ApiError::illegal("AddressIpVersion", "use IPv4 or DualStack")),
    }
}

/// Policy documents must be JSON objects with a `Statement` list (RAM policy shape).
pub fn policy_document(doc: &str) -> Result<(), ApiError> {
    let v: serde_json::Value = serde_json::from_str(doc)
        .map_err(|e| ApiError::illegal("PolicyDocument", format!("not valid JSON: {e}")))?;
    let statements = v.get("Statement").and_then(|s| s.as_array());
    match statements {
        Some(list)
            if list.iter().all(|s| {
                s.get("Effect")
                    .and_then(|e| e.as_str())
                    .is_some_and(|e| e == "Allow" || e == "Deny")
            }) =>
        {
            Ok(())
        }
        _ => Err(ApiError::illegal(
            "PolicyDocument",
            "a RAM policy needs a Statement list whose entries have Effect Allow or Deny",
        )),
    }
}

/// The default endpoint policy: allow everything.
pub const DEFAULT_POLICY: &str = r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Principal":"*","Resource":"*"}]}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_descriptions_tags_policies() {
        assert!(endpoint_name("my-endpoint_1").is_ok());
        assert!(endpoint_name("1abc").is_err());
        assert!(endpoint_name("a").is_err());
        assert!(description("ServiceDescription", "http://x").is_err());
        assert!(description("ServiceDescription", "orders api").is_ok());
        assert_eq!(tag("aliyun-x", "v").unwrap_err().code, "IllegalTagKeyParam");
        assert_eq!(tag("", "v").unwrap_err().code, "MissingTagKeyParam");
        let dup = vec![
            ("k".to_string(), "1".to_string()),
            ("k".to_string(), "2".to_string()),
        ];
        assert_eq!(tags(&dup).unwrap_err().code, "DuplicatedTagKey");
        assert!(policy_document(DEFAULT_POLICY).is_ok());
        assert!(policy_document("{}").is_err());
        assert!(policy_document("nope").is_err());
    }
}
