//! CreateVpcEndpointService, planned: the request's own rules, and the dual-stack rule over the
//! load balancers it attaches.

use crate::domain::ApiError;
use crate::domain::inventory::LbType;
use crate::domain::region::{Region, region};
use crate::domain::state::IpVersion;
use crate::domain::validate;

/// Most resources in one CreateVpcEndpointService call.
pub const RESOURCES_AT_CREATE: usize = 10;

/// One load balancer to attach, in one zone (zone optional for CLB: its primary zone).
#[derive(Debug, Clone, Default)]
pub struct NewResource {
    pub resource_id: String,
    pub resource_type: Option<String>,
    pub zone_id: Option<String>,
}

/// Input of CreateVpcEndpointService.
#[derive(Debug, Clone, Default)]
pub struct NewService {
    /// An explicit id (scenarios); generated when `None`.
    pub id: Option<String>,
    pub region_id: String,
    pub description: String,
    pub auto_accept: bool,
    pub zone_affinity: bool,
    pub payer: Option<String>,
    pub resource_type: Option<String>,
    pub resources: Vec<NewResource>,
    pub address_ip_version: Option<String>,
    pub supported_regions: Vec<String>,
    pub resource_group_id: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// What a valid request asks for, before anything is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceSpec {
    pub region: &'static Region,
    pub lb_type: LbType,
    pub ip_version: IpVersion,
}

/// Checks everything the request says on its own: region, description, tags, resource type,
/// IP version, payer, supported regions and the number of resources.
pub fn spec(n: &NewService) -> Result<ServiceSpec, ApiError> {
    let r = region(&n.region_id).ok_or_else(|| {
        ApiError::illegal("RegionId", format!("unknown region `{}`", n.region_id))
    })?;
    validate::description("ServiceDescription", &n.description)?;
    validate::tags(&n.tags)?;
    let lb_type = match n.resource_type.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => LbType::parse(t).ok_or_else(|| ApiError::resource_type_not_supported(t))?,
        None => LbType::Clb,
    };
    let ip_version = validate::ip_version(n.address_ip_version.as_deref())?;
    match n.payer.as_deref().filter(|p| !p.is_empty()) {
        None | Some("Endpoint") => {}
        Some("EndpointService") => return Err(ApiError::payer_forbidden()),
        Some(_) => {
            return Err(ApiError::illegal(
                "Payer",
                "use Endpoint or EndpointService",
            ));
        }
    }
    if let Some(reg) = n.supported_regions.iter().find(|reg| region(reg).is_none()) {
        return Err(ApiError::illegal(
            "SupportedRegionList",
            format!("unknown region `{reg}`"),
        ));
    }
    if n.resources.len() > RESOURCES_AT_CREATE {
        return Err(ApiError::quota_mismatched());
    }
    Ok(ServiceSpec {
        region: r,
        lb_type,
        ip_version,
    })
}

/// A dual-stack service needs an NLB or GWLB type and dual-stack load balancers only;
/// `resources_dual` says, per attached load balancer, whether it is dual-stack.
pub fn dual_stack_fits(
    lb_type: LbType,
    ip_version: IpVersion,
    resources_dual: impl IntoIterator<Item = bool>,
) -> Result<(), ApiError> {
    if !ip_version.is_dual() {
        return Ok(());
    }
    if !matches!(lb_type, LbType::Nlb | LbType::Gwlb) {
        return Err(ApiError::service_not_dual_stack_capable());
    }
    if resources_dual.into_iter().any(|dual| !dual) {
        return Err(ApiError::resources_not_dual_stack());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(region: &str) -> NewService {
        NewService {
            region_id: region.into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_to_a_clb_ipv4_service() {
        let s = spec(&new("cn-hangzhou")).unwrap();
        assert_eq!(s.region.id, "cn-hangzhou");
        assert_eq!(s.lb_type, LbType::Clb);
        assert!(!s.ip_version.is_dual());
    }

    #[test]
    fn refuses_what_the_request_gets_wrong_on_its_own() {
        assert_eq!(
            spec(&new("mars-1")).unwrap_err().code,
            "IllegalParamFormat.RegionId"
        );
        let mut n = new("cn-hangzhou");
        n.payer = Some("EndpointService".into());
        assert_eq!(spec(&n).unwrap_err(), ApiError::payer_forbidden());
        n.payer = Some("Nobody".into());
        assert_eq!(spec(&n).unwrap_err().code, "IllegalParamFormat.Payer");
        let mut n = new("cn-hangzhou");
        n.resource_type = Some("elb".into());
        assert_eq!(
            spec(&n).unwrap_err(),
            ApiError::resource_type_not_supported("elb")
        );
        let mut n = new("cn-hangzhou");
        n.supported_regions = vec!["cn-shanghai".into(), "atlantis".into()];
        assert_eq!(
            spec(&n).unwrap_err().code,
            "IllegalParamFormat.SupportedRegionList"
        );
        let mut n = new("cn-hangzhou");
        n.resources = vec![NewResource::default(); RESOURCES_AT_CREATE + 1];
        assert_eq!(spec(&n).unwrap_err(), ApiError::quota_mismatched());
    }

    #[test]
    fn dual_stack_needs_nlb_or_gwlb_and_dual_stack_resources() {
        let dual = IpVersion::DualStack;
        assert!(dual_stack_fits(LbType::Clb, IpVersion::Ipv4, [false]).is_ok());
        assert_eq!(
            dual_stack_fits(LbType::Clb, dual, []).unwrap_err(),
            ApiError::service_not_dual_stack_capable()
        );
        assert_eq!(
            dual_stack_fits(LbType::Nlb, dual, [true, false]).unwrap_err(),
            ApiError::resources_not_dual_stack()
        );
        assert!(dual_stack_fits(LbType::Gwlb, dual, [true, true]).is_ok());
    }
}
