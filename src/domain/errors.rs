//! The catalogue of error codes the operations answer: each a named constructor on [`ApiError`]
//! with its Alibaba Cloud code, HTTP status and one message. Operations call these by name (for
//! example `ApiError::vpc_not_found(id)`) instead of spelling codes; [`CATALOGUE`] lists them all.
//! Codes Alibaba Cloud documents for PrivateLink keep their spelling (typos included, such as
//! `SecurityGroupTypeOnlySingleTypeSupporteded` and `OrderOpend`) so SDK callers can match them.

use super::ApiError;

/// One catalogue entry: the constructor's name, the code and the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorSpec {
    pub name: &'static str,
    pub code: &'static str,
    pub http_status: u16,
}

/// Declares named constructors: `name(args) => status "Code" "message with {args}";`.
macro_rules! catalogue {
    ($( $(#[$doc:meta])* $name:ident ( $($arg:ident),* ) => $status:literal $code:literal $msg:literal ; )*) => {
        impl ApiError {
            $(
                $(#[$doc])*
                pub fn $name($($arg: impl std::fmt::Display),*) -> Self {
                    Self {
                        code: $code.into(),
                        message: format!($msg),
                        http_status: $status,
                    }
                }
            )*
        }

        /// Every named error of the catalogue.
        pub const CATALOGUE: &[ErrorSpec] = &[
            $(ErrorSpec { name: stringify!($name), code: $code, http_status: $status }),*
        ];
    };
}

catalogue! {
    // Accounts and sign-in.
    /// A scenario or the CLI adds an account id that exists.
    account_exists(id) => 400 "AccountExist" "The account {id} already exists.";
    /// An AccessKey id that exists.
    access_key_exists(id) => 400 "AccessKeyExist" "The AccessKey {id} already exists.";
    /// No account with this id.
    account_not_found(id) => 400 "AccountNotFound" "There is no account {id}.";
    /// A wrong account id or password (the same answer for both).
    invalid_credentials() => 401 "InvalidCredentials" "The account id or password is incorrect.";
    /// Too many failed sign-ins; `secs` until the next try, at `until` (ISO time).
    sign_in_throttled(secs, until) => 429 "SignInThrottled"
        "Too many failed sign-ins for this account or from this address. Try again in {secs} s (after {until}).";
    /// A demo tool outside demo mode, or for an account not signed in here.
    demo_tools_forbidden(why) => 403 "Forbidden.DemoTools" "{why}";

    // Inventory: VPCs, vSwitches, security groups, load balancers.
    vpc_exists(id) => 400 "VpcExist" "The VPC {id} already exists.";
    vswitch_exists(id) => 400 "VSwitchExist" "The vSwitch {id} already exists.";
    security_group_exists(id) => 400 "SecurityGroupExist" "The security group {id} already exists.";
    load_balancer_exists(id) => 400 "LoadBalancerExist" "The load balancer {id} already exists.";
    /// The VPC does not exist or is not the caller's (inventory and gateway calls).
    invalid_vpc(id) => 400 "InvalidVpcId.NotFound" "The VPC {id} is not found.";
    /// The VPC named by CreateVpcEndpoint does not exist or is not the caller's.
    vpc_not_found(id) => 400 "VpcNotFound" "The VPC {id} is not found.";
    /// A zone that does not exist, or is not in the region.
    invalid_zone(zone, region) => 400 "InvalidZoneId.NotFound" "The zone {zone} is not in region {region}.";
    /// A zone id that exists in no region.
    unknown_zone(zone) => 400 "InvalidZoneId.NotFound" "There is no zone {zone}.";
    /// A vSwitch CIDR outside its VPC or of the wrong size.
    cidr_malformed(cidr, vpc_cidr) => 400 "InvalidCidrBlock.Malformed"
        "The vSwitch CIDR {cidr} must be a /16–/29 block inside the VPC CIDR {vpc_cidr}.";
    /// A vSwitch CIDR that overlaps another vSwitch of the VPC.
    cidr_overlaps(cidr, other, other_cidr) => 400 "InvalidCidrBlock.Overlapped"
        "The CIDR {cidr} overlaps vSwitch {other} ({other_cidr}).";
    /// The vSwitch of an endpoint zone is not in that zone of the endpoint's VPC.
    vswitch_not_found(id, zone, vpc) => 400 "VSwitchNotFound"
        "The vSwitch {id} is not found in zone {zone} of VPC {vpc}.";
    /// No free address left in the vSwitch.
    vswitch_full(id) => 400 "ResourceNotEnough.VSwitchIp" "No free address is left in vSwitch {id}.";
    /// The vSwitch's block leaves no usable address at all.
    vswitch_unusable() => 400 "ResourceNotEnough.VSwitchIp" "The vSwitch has no usable addresses.";
    /// The asked address is taken, reserved or outside the vSwitch.
    eni_ip_unavailable(ip, vswitch) => 400 "EniIpUnavailable"
        "The IP address {ip} is not available in vSwitch {vswitch}.";

    // Endpoint services and their resources.
    /// A service id that is taken or malformed (scenario files name their ids).
    service_id_taken(id) => 400 "EndpointServiceExist" "The endpoint service id {id} is taken or malformed.";
    /// A service resource type Linkyard does not model, or not allowed here.
    resource_type_not_supported(ty) => 400 "EndpointServiceResourceTypeNotSupport"
        "The service resource type {ty} is not supported here (use slb, alb, nlb or gwlb as the call allows).";
    /// A resource of another type than the service's or than declared.
    resource_type_mismatch(a, b) => 400 "Mismatch.ResourceType" "The ResourceType is mismatched for {a} and {b}.";
    alb_not_found(id) => 400 "AlbNotFound" "The ALB instance {id} is not found.";
    load_balancer_not_found(id) => 400 "LoadBalancerNotFound" "The load balancer {id} is not found.";
    load_balancer_not_supported(id) => 400 "LoadBalancerNotSupportPrivateLink"
        "The load balancer {id} does not support PrivateLink.";
    /// The load balancer is not in the zone named for it.
    load_balancer_not_in_zone(id, zone) => 400 "EndpointServiceNotSupportedZone"
        "The load balancer {id} is not in zone {zone}.";
    /// The service has no resource in a zone an endpoint asks for.
    service_zone_not_supported(zone) => 400 "EndpointServiceNotSupportedZone"
        "The endpoint service does not support zone {zone}.";
    /// The service does not accept endpoints from this region.
    service_region_not_supported(region) => 400 "EndpointServiceNotSupportedRegion"
        "The endpoint service does not accept endpoints from region {region}.";
    payer_forbidden() => 400 "EndpointServicePayerForbidden"
        "The service provider is not allowed to pay for endpoint connections.";
    /// More resources, zones or services than the quota allows.
    quota_mismatched() => 400 "QuotaMisMatched" "The resource you applied for has exceeded the quota.";
    resource_attached(id) => 400 "EndpointServiceResourceExist"
        "The resource {id} is already attached to an endpoint service.";
    service_resource_not_found() => 400 "EndpointServiceResourceNotFound"
        "The specified service resource is not found.";
    /// Dual stack needs NLB or GWLB services.
    service_not_dual_stack_capable() => 400 "EndpointServiceNotSupportIpv6"
        "Only NLB and GWLB services can be dual-stack.";
    /// A dual-stack endpoint needs a dual-stack service and a VPC with IPv6.
    endpoint_not_dual_stack_capable() => 400 "EndpointServiceNotSupportIpv6"
        "A dual-stack endpoint needs a dual-stack service and a VPC with IPv6.";
    resource_not_dual_stack(id) => 400 "ServiceResourceNotSupportIpv6"
        "The service resource {id} does not support IPv6.";
    resources_not_dual_stack() => 400 "ServiceResourceNotSupportIpv6"
        "Every service resource must be dual-stack for a dual-stack service.";
    downgrade_not_allowed(n) => 400 "EndpointServiceDowngradeNotAllowed"
        "{n} dual-stack endpoint(s) use this service; it cannot go back to IPv4.";
    /// Deleting a service that endpoints still connect to.
    service_has_connections() => 400 "EndpointServiceConnectionDependence"
        "You cannot delete EndpointService with Endpoint connected.";
    /// Detaching a resource that serves a connected zone.
    resource_in_use() => 400 "EndpointServiceConnectionDependence"
        "The service resource is in use by a connected endpoint.";

    // Resource allocation (which service resource serves an endpoint zone).
    missing_resource_id() => 400 "MissingParam.ResourceId" "The parameter ResourceId is required.";
    missing_allocate_mode() => 400 "MissingParam.ResourceAllocateMode"
        "The parameter ResourceAllocateMode or ResourceReplaceMode is required.";
    illegal_allocate_mode(got) => 400 "IllegalParam.ResourceAllocateMode"
        "ResourceAllocateMode must be Auto or Manual, got `{got}`.";
    illegal_replace_mode(got) => 400 "IllegalParam.ResourceReplaceMode"
        "ResourceReplaceMode must be Graceful or Force, got `{got}`.";
    auto_allocate_violation(zone) => 400 "ResourceAutoAllocateViolation"
        "Zone {zone} needs at least one automatically allocated resource.";
    zone_mismatch(id, zone) => 400 "Mismatch.ZoneId" "The ZoneId is mismatched for {id} and {zone}.";
    current_resource_auto_allocated() => 400 "OperationDenied.CurrentResourceAutoAllocated"
        "The zone's current resource is allocated automatically; turn its automatic allocation off first.";
    no_available_service_resource() => 400 "OperationDenied.NoAvailableServiceResource"
        "The endpoint service has no available service resource.";

    // Endpoints, their zones and security groups.
    endpoint_type_mismatch(ty, service) => 400 "Mismatch.EndpointType"
        "The EndpointType is mismatched for {ty} and {service}.";
    zone_listed_twice(zone) => 400 "EndpointZoneDuplicated" "The zone {zone} is specified more than once.";
    zone_exists(zone) => 400 "EndpointZoneDuplicated" "The endpoint already has zone {zone}.";
    policy_not_supported() => 400 "OperationDenied.EndpointPolicyNotSupport"
        "Endpoint policies apply only to interface endpoints of Alibaba Cloud services.";
    private_domain_not_supported() => 400 "OperationDenied.PrivateDomainNotSupport"
        "This service has no custom service domain.";
    security_group_required() => 400 "EndpointMustContainSecurityGroup"
        "The endpoint must contain at least one security group.";
    security_group_listed_twice(id) => 400 "SecurityGroupExist" "The security group {id} is specified more than once.";
    security_group_attached(id) => 400 "SecurityGroupExist" "The security group {id} is already attached.";
    security_group_not_in_vpc(id, vpc) => 400 "SecurityGroupNotFound"
        "The security group {id} is not found in VPC {vpc}.";
    security_group_not_attached(id) => 400 "SecurityGroupNotFound"
        "The security group {id} is not attached to the endpoint.";
    security_groups_of_one_type() => 400 "SecurityGroupTypeOnlySingleTypeSupporteded"
        "The security groups of an endpoint must all be of one type.";
    no_security_group_to_add_to() => 400 "AddSecurityGroupNotSupportWhenHaveNoSg"
        "An endpoint created without security groups cannot gain one.";

    // Connections and bandwidth.
    service_business_status(id) => 400 "IncorrectBusinessStatus.VpcEndpointService"
        "The business status of VpcEndpointService [{id}] is incorrect.";
    endpoint_business_status(id) => 400 "IncorrectBusinessStatus.VpcEndpoint"
        "The business status of VpcEndpoint [{id}] is incorrect.";
    bandwidth_request_exists(endpoint) => 400 "BandwidthRequestExist"
        "Endpoint {endpoint} already has a request waiting for a decision.";
    bandwidth_request_not_found(id) => 400 "ResourceNotFound.BandwidthRequest"
        "There is no bandwidth request {id}.";
    bandwidth_request_decided(id, how) => 400 "IncorrectStatus.BandwidthRequest"
        "Request {id} was already {how}.";

    // Whitelist.
    missing_user() => 400 "MissingParam.UserArn" "The parameter UserId or UserARN is required.";
    user_mismatch(id, arn_id) => 400 "Mismatch.UserIdAndUserArn" "The UserId is mismatched for {id} and {arn_id}.";

    // VPC DNS links.
    dns_link_exists(vpc, target) => 400 "ResourceAlreadyExist.DnsLink"
        "{vpc} can already resolve the custom domains of {target}.";
    dns_link_not_found(vpc, target) => 400 "ResourceNotFound.DnsLink"
        "{vpc} does not resolve the custom domains of {target}.";

    // Gateway endpoints (OSS).
    gateway_endpoint_not_found(id) => 400 "ResourceNotFound.GatewayEndpoint"
        "The gateway endpoint {id} is not found.";
    gateway_service_not_supported(region, service) => 400 "UnsupportedService.GatewayEndpoint"
        "Gateway endpoints support only OSS; in {region} use {service}.";
    gateway_endpoint_exists(vpc, service) => 400 "ResourceAlreadyExist.GatewayEndpoint"
        "VPC {vpc} already has a gateway endpoint for {service}.";
    gateway_endpoint_busy(id, status) => 400 "IncorrectStatus.GatewayEndpoint"
        "The gateway endpoint {id} is {status}; try again when it is Active.";
    gateway_endpoint_deleting(id) => 400 "IncorrectStatus.GatewayEndpoint"
        "The gateway endpoint {id} is already being deleted.";
    route_table_not_in_vpc(table, vpc) => 400 "ResourceNotFound.RouteTable"
        "The route table {table} is not in VPC {vpc}.";
    route_table_associated(table, id) => 400 "ResourceAlreadyAssociated.RouteTable"
        "The route table {table} is already associated with {id}.";
    route_table_not_associated(table, id) => 400 "ResourceNotAssociated.RouteTable"
        "The route table {table} is not associated with {id}.";

    // Tags and resource groups.
    missing_tag_key() => 400 "MissingTagKeyParam" "The tag key is required.";
    missing_untag_keys() => 400 "MissingTagKeyParam" "Name the tag keys to remove (TagKey.N) or set All=true.";
    duplicated_tag_key(key) => 400 "DuplicatedTagKey" "The tag key `{key}` is duplicated.";
    too_many_tags(max, id, would) => 400 "QuotaExceed.TagsPerResource"
        "A resource can have at most {max} tags; {id} would have {would}.";
    tag_not_found(key, id) => 400 "TagInfoNotExist" "The tag `{key}` does not exist on {id}.";
    missing_resource_or_tag() => 400 "MissingResourceIdOrTagParam" "Either ResourceId.N or Tag.N is required.";
    resource_ids_not_found() => 400 "InvalidResourceId.NotFound"
        "The specified ResourceIds are not found in our records.";
    missing_group_resource() => 400 "MissingParameter.ResourceId" "The parameter ResourceId is required.";
    missing_resource_group() => 400 "MissingParameter.ResourceGroupId" "The parameter ResourceGroupId is required.";
    invalid_resource_group(group) => 400 "InvalidResourceGroup"
        "The resource group `{group}` is not valid (expected rg- followed by letters and digits).";
    tagged_resource_not_found(kind, id) => 400 "ResourceNotFound" "The {kind} `{id}` is not found.";

    // ClientToken.
    idempotent_mismatch() => 400 "IdempotentParameterMismatch"
        "The ClientToken was already used with other parameters.";

    // Data plane: load-balancer listeners and the Demo traffic generator.
    listener_not_found(id, port) => 400 "ResourceNotFound.Listener"
        "The load balancer {id} has no listener on port {port}.";
    no_listener_to_send_to() => 400 "Demo.NoListener"
        "The service's load balancer has no listener to send to: add one in Inventory.";
}

/// Errors whose code names the kind of inventory object.
impl ApiError {
    /// `<Kind>NotFound`: an inventory object (`Vpc`, `VSwitch`, …) that does not exist.
    pub fn inventory_not_found(kind: &str, id: &str) -> Self {
        Self::new(
            format!("{kind}NotFound"),
            format!("The specified {kind} {id} does not exist."),
        )
    }

    /// `DependencyViolation.<Kind>`: an inventory object still used by `n` others.
    pub fn dependency_violation(kind: &str, id: &str, n: i64, what: &str) -> Self {
        Self::new(
            format!("DependencyViolation.{kind}"),
            format!("{id} is still used by {n} {what}; remove them first."),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_has_a_code_a_status_and_a_message() {
        let mut names: Vec<&str> = CATALOGUE.iter().map(|e| e.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CATALOGUE.len(), "constructor names are unique");
        for e in CATALOGUE {
            assert!(
                !e.code.is_empty() && (400..600).contains(&e.http_status),
                "{e:?}"
            );
        }
        let e = ApiError::vswitch_not_found("vsw-1", "cn-hangzhou-h", "vpc-1");
        assert_eq!(e.code, "VSwitchNotFound");
        assert_eq!(
            e.message,
            "The vSwitch vsw-1 is not found in zone cn-hangzhou-h of VPC vpc-1."
        );
        assert_eq!(ApiError::sign_in_throttled(3, "t").http_status, 429);
    }
}
