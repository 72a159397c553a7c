//! Generated names in Alibaba Cloud's formats: service names, service, endpoint and zone domains.

/// `com.aliyuncs.privatelink.<region>.<serviceId>` (user services).
pub fn service_name(region: &str, service_id: &str) -> String {
    format!("com.aliyuncs.privatelink.{region}.{service_id}")
}

/// `com.aliyuncs.privatelink.<region>.<product>` (Alibaba Cloud managed services such as `oss`).
pub fn managed_service_name(region: &str, product: &str) -> String {
    format!("com.aliyuncs.privatelink.{region}.{product}")
}

/// `<serviceId>.<region>.privatelink.aliyuncs.com`.
pub fn service_domain(region: &str, service_id: &str) -> String {
    format!("{service_id}.{region}.privatelink.aliyuncs.com")
}

/// `<endpointId>.<serviceId>.<region>.privatelink.aliyuncs.com`.
pub fn endpoint_domain(endpoint_id: &str, service_id: &str, region: &str) -> String {
    format!("{endpoint_id}.{service_id}.{region}.privatelink.aliyuncs.com")
}

/// `<endpointId>-<zoneId>.<serviceId>.<region>.privatelink.aliyuncs.com`.
pub fn zone_domain(endpoint_id: &str, zone_id: &str, service_id: &str, region: &str) -> String {
    format!("{endpoint_id}-{zone_id}.{service_id}.{region}.privatelink.aliyuncs.com")
}

/// The default resource group id of an account (`rg-acfm…`, derived from the account id).
pub fn default_resource_group(account_id: &str) -> String {
    format!(
        "rg-acfm{}",
        &account_id[account_id.len().saturating_sub(10)..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_match_the_concepts_file() {
        assert_eq!(
            service_name("cn-huhehaote", "epsrv-hp3vpx8yqxblby3i1234"),
            "com.aliyuncs.privatelink.cn-huhehaote.epsrv-hp3vpx8yqxblby3i1234"
        );
        assert_eq!(
            service_domain("cn-hangzhou", "epsrv-x"),
            "epsrv-x.cn-hangzhou.privatelink.aliyuncs.com"
        );
        assert_eq!(
            endpoint_domain(
                "ep-t4ni387b5e83b7519dc8",
                "epsrv-t4n281l4mrmemi4zls9a",
                "ap-southeast-1"
            ),
            "ep-t4ni387b5e83b7519dc8.epsrv-t4n281l4mrmemi4zls9a.ap-southeast-1.privatelink.aliyuncs.com"
        );
        assert_eq!(
            zone_domain(
                "ep-bp1iabb21a27719ca8a2",
                "cn-hangzhou-h",
                "epsrv-bp1n7rvc8qbpudxk69fr",
                "cn-hangzhou"
            ),
            "ep-bp1iabb21a27719ca8a2-cn-hangzhou-h.epsrv-bp1n7rvc8qbpudxk69fr.cn-hangzhou.privatelink.aliyuncs.com"
        );
        assert_eq!(
            default_resource_group("1000000000000001"),
            "rg-acfm0000000001"
        );
    }
}
