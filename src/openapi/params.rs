//! Request parameters: query + form body merged, flat lists, booleans.
//!
//! Alibaba Cloud RPC clients put parameters in the query string (Python V3 SDK), in an
//! `application/x-www-form-urlencoded` body (Terraform/tea-rpc, TagResources) or both, so every
//! action reads one merged set. Lists arrive flattened: `Name.1`, `Name.2` for scalars and
//! `Name.1.Field` for objects. Clients send empty strings for unset values (`ZoneId=`), so every
//! accessor treats an empty value as "not set".

use crate::domain::ApiError;
use std::collections::BTreeMap;

/// The decoded parameters of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    /// Every decoded `(name, value)` pair, query pairs first, then body pairs, in wire order.
    pairs: Vec<(String, String)>,
    /// Merged view: the last value wins, so body values override query values.
    map: BTreeMap<String, String>,
}

impl Params {
    /// Form-decodes the raw query string (without `?`; a leading `?` is ignored) and, when given,
    /// a form body. `+` and `%20` both decode to a space; invalid UTF-8 is replaced lossily.
    /// Body values override query values of the same name.
    pub fn parse(query: &str, form_body: Option<&[u8]>) -> Params {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if let Some(body) = form_body {
            pairs.extend(
                form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())),
            );
        }
        let map = pairs.iter().cloned().collect();
        Params { pairs, map }
    }

    /// Every decoded pair as received (query first, then body, duplicates kept), including empty
    /// values and `Signature`.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The merged view (body over query), empty values included: what SDKs sign with V1
    /// (`aliyun-python-sdk-core` and tea-rpc both sign `dict(query) | body`).
    pub fn merged(&self) -> &BTreeMap<String, String> {
        &self.map
    }

    /// The merged value of `name`; `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// [`Params::get`] as an owned `String`.
    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// A mandatory parameter, gateway style: a missing (or empty) value gives
    /// `MissingParameter` — the code Alibaba's API gateway uses for common parameters
    /// (`Timestamp`, `SignatureNonce`, `RegionId` …).
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| {
            ApiError::new(
                "MissingParameter",
                format!(
                    "The input parameter \"{name}\" that is mandatory for processing this request is not supplied."
                ),
            )
        })
    }

    /// A mandatory parameter, product style: a missing (or empty) value gives
    /// `MissingParam.<name>` / "The parameter <name> is required." — the form PrivateLink's own
    /// action validation uses (e.g. `MissingParam.UserArn`).
    pub fn required_param(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| ApiError::missing(name))
    }

    /// A boolean: `true`/`false` in any letter case (the Python SDKs send `True`/`False`).
    /// Anything else gives `InvalidParameter`.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        if v.eq_ignore_ascii_case("true") {
            Ok(Some(true))
        } else if v.eq_ignore_ascii_case("false") {
            Ok(Some(false))
        } else {
            Err(invalid_value(name, v, "expected true or false"))
        }
    }

    /// A decimal 64-bit integer; anything else gives `InvalidParameter`.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        v.parse::<i64>()
            .map(Some)
            .map_err(|_| invalid_value(name, v, "expected an integer"))
    }

    /// A flat scalar list `Name.1`, `Name.2`, … ordered by the numeric index (gaps allowed,
    /// `Name.10` after `Name.2`); empty values are skipped.
    pub fn list(&self, name: &str) -> Vec<String> {
        let mut items: Vec<(u64, &str, &str)> = self
            .map
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .filter_map(|(k, v)| {
                let index = parse_index(k.strip_prefix(name)?.strip_prefix('.')?)?;
                Some((index, k.as_str(), v.as_str()))
            })
            .collect();
        items.sort();
        items.into_iter().map(|(_, _, v)| v.to_owned()).collect()
    }

    /// An object list `Name.N.Field` (`Zone.1.VSwitchId`, `Zone.1.ip`, `Tag.1.Key` …) ordered by
    /// N. Each object maps field names (case kept as sent) to values; empty fields are left out and
    /// an object without any non-empty field is skipped.
    pub fn objects(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        let mut objects: BTreeMap<u64, BTreeMap<String, String>> = BTreeMap::new();
        for (k, v) in &self.map {
            if v.is_empty() {
                continue;
            }
            let Some(rest) = k.strip_prefix(name).and_then(|r| r.strip_prefix('.')) else {
                continue;
            };
            let Some((index, field)) = rest.split_once('.') else {
                continue;
            };
            let Some(index) = parse_index(index) else {
                continue;
            };
            if field.is_empty() {
                continue;
            }
            objects
                .entry(index)
                .or_default()
                .insert(field.to_owned(), v.clone());
        }
        objects.into_values().collect()
    }
}

/// A list index: ASCII digits only (no sign, no spaces).
fn parse_index(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn invalid_value(name: &str, value: &str, why: &str) -> ApiError {
    ApiError::invalid(format!(
        "The specified parameter \"{name}\" is not valid: {why}, got \"{value}\"."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(query: &str) -> Params {
        Params::parse(query, None)
    }

    #[test]
    fn merges_query_and_body_with_body_overriding() {
        let params = Params::parse(
            "Action=TagResources&RegionId=cn-hangzhou&Only=q",
            Some(b"RegionId=cn-beijing&Tag.1.Key=k&Body=b"),
        );
        assert_eq!(params.get("Action"), Some("TagResources"));
        assert_eq!(params.get("RegionId"), Some("cn-beijing"));
        assert_eq!(params.get("Only"), Some("q"));
        assert_eq!(params.get("Body"), Some("b"));
        assert_eq!(params.get("Tag.1.Key"), Some("k"));
        // The raw pairs keep both RegionId values in wire order.
        let regions: Vec<&str> = params
            .pairs()
            .iter()
            .filter(|(k, _)| k == "RegionId")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(regions, ["cn-hangzhou", "cn-beijing"]);
        assert_eq!(params.pairs().len(), 6);
    }

    #[test]
    fn decodes_plus_percent20_and_reserved_characters() {
        let params = p("?A=v+1%2A~&B=my%20svc&C=a%2Bb&D=%E4%B8%AD&E%2E1=x");
        assert_eq!(params.get("A"), Some("v 1*~"));
        assert_eq!(params.get("B"), Some("my svc"));
        assert_eq!(params.get("C"), Some("a+b"));
        assert_eq!(params.get("D"), Some("中"));
        assert_eq!(params.get("E.1"), Some("x"));
        let body = Params::parse("", Some(b"Tag.1.Value=v+1%2A%20x"));
        assert_eq!(body.get("Tag.1.Value"), Some("v 1* x"));
    }

    #[test]
    fn empty_means_unset() {
        let params = p("ZoneId=&Name=x&Flag=&Num=&Bare");
        assert_eq!(params.get("ZoneId"), None);
        assert_eq!(params.get("Bare"), None);
        assert_eq!(params.string("ZoneId"), None);
        assert_eq!(params.string("Name"), Some("x".to_string()));
        assert_eq!(params.bool("Flag"), Ok(None));
        assert_eq!(params.int("Num"), Ok(None));
        assert_eq!(params.get("Absent"), None);
        // Empty pairs are still part of the raw pairs (V1 signs them).
        assert!(params.pairs().contains(&("ZoneId".into(), String::new())));
        assert!(params.pairs().contains(&("Bare".into(), String::new())));
        // A body value can not "unset" by being empty: empty overrides, then reads as unset.
        let overridden = Params::parse("RegionId=cn-hangzhou", Some(b"RegionId="));
        assert_eq!(overridden.get("RegionId"), None);
    }

    #[test]
    fn required_gateway_and_product_forms() {
        let params = p("RegionId=cn-hangzhou&UserId=");
        assert_eq!(params.required("RegionId"), Ok("cn-hangzhou"));
        assert_eq!(params.required_param("RegionId"), Ok("cn-hangzhou"));

        let gateway = params.required("Timestamp").unwrap_err();
        assert_eq!(gateway.code, "MissingParameter");
        assert_eq!(gateway.http_status, 400);
        assert_eq!(
            gateway.message,
            "The input parameter \"Timestamp\" that is mandatory for processing this request is not supplied."
        );

        let product = params.required_param("UserId").unwrap_err();
        assert_eq!(product.code, "MissingParam.UserId");
        assert_eq!(product.message, "The parameter UserId is required.");
        assert_eq!(product.http_status, 400);
    }

    #[test]
    fn booleans_in_any_case() {
        let params = p("A=True&B=false&C=TRUE&D=FaLsE&E=yes&F=1");
        assert_eq!(params.bool("A"), Ok(Some(true)));
        assert_eq!(params.bool("B"), Ok(Some(false)));
        assert_eq!(params.bool("C"), Ok(Some(true)));
        assert_eq!(params.bool("D"), Ok(Some(false)));
        assert_eq!(params.bool("Missing"), Ok(None));
        for bad in ["E", "F"] {
            let err = params.bool(bad).unwrap_err();
            assert_eq!(err.code, "InvalidParameter");
            assert_eq!(err.http_status, 400);
            assert!(
                err.message.contains(&format!("\"{bad}\"")),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn integers() {
        let params = p(
            "MaxResults=50&Neg=-3&Big=9223372036854775807&Bad=5x&Float=1.5&Over=9223372036854775808",
        );
        assert_eq!(params.int("MaxResults"), Ok(Some(50)));
        assert_eq!(params.int("Neg"), Ok(Some(-3)));
        assert_eq!(params.int("Big"), Ok(Some(i64::MAX)));
        assert_eq!(params.int("Missing"), Ok(None));
        for bad in ["Bad", "Float", "Over"] {
            let err = params.int(bad).unwrap_err();
            assert_eq!(err.code, "InvalidParameter");
            assert!(err.message.contains(bad));
        }
    }

    #[test]
    fn scalar_lists_sorted_numerically_with_gaps() {
        let params = p(
            "SecurityGroupId.10=sg-10&SecurityGroupId.2=sg-2&SecurityGroupId.1=sg-1&SecurityGroupId.5=&\
             SecurityGroupId.7=sg-7&SecurityGroupId=plain&SecurityGroupIdX.1=other&SecurityGroupId.x=bad&\
             SecurityGroupId.3.Field=obj",
        );
        assert_eq!(
            params.list("SecurityGroupId"),
            ["sg-1", "sg-2", "sg-7", "sg-10"]
        );
        assert!(params.list("Absent").is_empty());
        // Lists spanning query and body merge; the body wins for the same index.
        let merged = Params::parse(
            "ResourceId.1=q1&ResourceId.2=q2",
            Some(b"ResourceId.2=b2&ResourceId.3=b3"),
        );
        assert_eq!(merged.list("ResourceId"), ["q1", "b2", "b3"]);
    }

    #[test]
    fn object_lists() {
        let params = p(
            "Zone.2.ZoneId=cn-hangzhou-j&Zone.2.VSwitchId=vsw-2&Zone.1.ZoneId=cn-hangzhou-h&\
             Zone.1.VSwitchId=vsw-1&Zone.1.ip=10.0.0.5&Zone.10.ZoneId=cn-hangzhou-k&\
             Zone.3.ZoneId=&Zone.3.VSwitchId=&Zone.4.ip=&Zone.4.ZoneId=cn-hangzhou-i&\
             Zone.1=flat&Zone.x.ZoneId=bad&ZoneX.1.ZoneId=other",
        );
        let zones = params.objects("Zone");
        assert_eq!(zones.len(), 4);
        assert_eq!(zones[0]["ZoneId"], "cn-hangzhou-h");
        assert_eq!(zones[0]["VSwitchId"], "vsw-1");
        assert_eq!(zones[0]["ip"], "10.0.0.5");
        assert_eq!(zones[0].get("Ip"), None, "field names keep their case");
        assert_eq!(zones[1]["ZoneId"], "cn-hangzhou-j");
        assert_eq!(zones[2]["ZoneId"], "cn-hangzhou-i");
        assert_eq!(zones[2].get("ip"), None, "empty fields are left out");
        assert_eq!(zones[3]["ZoneId"], "cn-hangzhou-k");

        let tags = p(
            "Tag.1.Key=env&Tag.1.Value=v+1%2A&Tag.2.Key=team&Resource.1.ResourceId=lb-abc&Resource.1.ResourceType=slb",
        );
        let tags_list = tags.objects("Tag");
        assert_eq!(tags_list.len(), 2);
        assert_eq!(tags_list[0]["Value"], "v 1*");
        assert_eq!(tags_list[1].get("Value"), None);
        let resources = tags.objects("Resource");
        assert_eq!(resources.len(), 1);
        assert_eq!(resources[0]["ResourceType"], "slb");
        assert!(tags.objects("Zone").is_empty());
    }
}
