//! The console's forms as operations: each form's typed choices (no packed strings) become the
//! operation's own input, with the text a person typed trimmed and empty fields meaning "none".

use super::endpoints::{EndpointUpdate, NewEndpoint, NewZone};
use super::gateway::NewGatewayEndpoint;
use super::inventory::{NewLoadBalancer, NewSecurityGroup, NewVSwitch, NewVpc};
use super::services::{NewResource, NewService, ServiceUpdate};
use super::tags::TagTarget;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::console::{
    EndpointPolicyForm, NewEndpointForm, NewServiceForm, Principal, ServiceRef, ServiceSettings,
    TagEntry, TagRemoval, WhitelistEntry,
};
use crate::domain::dataplane::ListenerView;
use crate::domain::gateway::{GatewayEndpointView, NewGatewayEndpointForm, oss_gateway_service};
use crate::domain::inventory::{
    ListenerForm, LoadBalancerView, NewLoadBalancerForm, NewSecurityGroupForm, NewVSwitchForm,
    NewVpcForm, SecurityGroupView, VSwitchView, VpcView,
};
use crate::domain::model::{EndpointView, ServiceView, WhitelistView};

/// The trimmed text, or `None` when nothing but blanks was typed.
fn typed(text: String) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

impl Ops {
    /// Creates an endpoint from the console's form (the service named by id or by name).
    pub async fn console_create_endpoint(
        &self,
        ctx: &Ctx,
        form: NewEndpointForm,
    ) -> Result<EndpointView, ApiError> {
        let (service_id, service_name) = match ServiceRef::parse(&form.service) {
            ServiceRef::Id(id) => (Some(id), None),
            ServiceRef::Name(name) => (None, Some(name)),
        };
        let zones = form
            .zones
            .into_iter()
            .map(|z| NewZone {
                zone_id: z.zone_id,
                vswitch_id: z.vswitch_id,
                ip: z.ip.filter(|ip| !ip.trim().is_empty()),
            })
            .collect();
        let n = NewEndpoint {
            region_id: form.region,
            vpc_id: form.vpc_id,
            service_id,
            service_name,
            security_group_ids: form.security_group_ids,
            zones,
            name: form.name,
            endpoint_type: Some(form.endpoint_type),
            ..Default::default()
        };
        self.create_endpoint(ctx, n).await
    }

    /// Replaces an endpoint's policy document, or restores the default one (`reset`).
    pub async fn console_update_endpoint_policy(
        &self,
        ctx: &Ctx,
        form: EndpointPolicyForm,
    ) -> Result<EndpointView, ApiError> {
        let u = EndpointUpdate {
            policy_document: (!form.reset).then_some(form.policy_document),
            reset_policy: form.reset,
            ..Default::default()
        };
        self.update_endpoint(ctx, &form.endpoint_id, u).await?;
        self.get_endpoint(ctx, &form.endpoint_id).await
    }

    /// Publishes a service from the console's form (each load balancer with its zone).
    pub async fn console_create_service(
        &self,
        ctx: &Ctx,
        form: NewServiceForm,
    ) -> Result<ServiceView, ApiError> {
        let resources = form
            .resources
            .into_iter()
            .map(|r| NewResource {
                resource_id: r.resource_id,
                resource_type: None,
                zone_id: Some(r.zone_id),
            })
            .collect();
        let n = NewService {
            region_id: form.region,
            resource_type: Some(form.resource_type),
            resources,
            description: form.description,
            auto_accept: form.auto_accept,
            ..Default::default()
        };
        self.create_service(ctx, n).await
    }

    /// Saves the settings the console edits in place (the others stay as they are).
    pub async fn console_update_service(
        &self,
        ctx: &Ctx,
        form: ServiceSettings,
    ) -> Result<ServiceView, ApiError> {
        let u = ServiceUpdate {
            description: Some(form.description),
            auto_accept: Some(form.auto_accept),
            connect_bandwidth: Some(form.connect_bandwidth),
            ..Default::default()
        };
        self.update_service(ctx, &form.service_id, u).await
    }

    /// Adds the account id or ARN a person typed to a service's whitelist.
    pub async fn console_add_whitelist(
        &self,
        ctx: &Ctx,
        form: WhitelistEntry,
    ) -> Result<WhitelistView, ApiError> {
        let (id, arn) = match Principal::parse(&form.subject) {
            Principal::Arn(arn) => (None, Some(arn)),
            Principal::Account(id) => (Some(id), None),
        };
        self.add_whitelist(
            ctx,
            &form.service_id,
            id.as_deref(),
            arn.as_deref(),
            &form.label,
        )
        .await
    }

    /// Sets one tag on one of the caller's services or endpoints.
    pub async fn console_tag(&self, ctx: &Ctx, form: TagEntry) -> Result<(), ApiError> {
        let target = TagTarget::parse(&form.resource_type)?;
        self.tag_resources(ctx, target, &[form.resource_id], &[(form.key, form.value)])
            .await
    }

    /// Removes one tag, by its key, from one of the caller's services or endpoints.
    pub async fn console_untag(&self, ctx: &Ctx, form: TagRemoval) -> Result<(), ApiError> {
        let target = TagTarget::parse(&form.resource_type)?;
        self.untag_resources(ctx, target, &[form.resource_id], &[form.key], false)
            .await
    }

    /// Creates a VPC from the console's form (no IPv6 block when none was typed).
    pub async fn console_create_vpc(
        &self,
        ctx: &Ctx,
        form: NewVpcForm,
    ) -> Result<VpcView, ApiError> {
        let n = NewVpc {
            id: None,
            region_id: form.region,
            name: form.name,
            cidr: form.cidr.trim().to_string(),
            ipv6_cidr: typed(form.ipv6_cidr),
        };
        self.create_vpc(ctx, n).await
    }

    /// Creates a vSwitch from the console's form.
    pub async fn console_create_vswitch(
        &self,
        ctx: &Ctx,
        form: NewVSwitchForm,
    ) -> Result<VSwitchView, ApiError> {
        let n = NewVSwitch {
            id: None,
            vpc_id: form.vpc_id,
            zone_id: form.zone_id,
            name: form.name,
            cidr: form.cidr.trim().to_string(),
        };
        self.create_vswitch(ctx, n).await
    }

    /// Creates a (normal) security group from the console's form.
    pub async fn console_create_security_group(
        &self,
        ctx: &Ctx,
        form: NewSecurityGroupForm,
    ) -> Result<SecurityGroupView, ApiError> {
        let n = NewSecurityGroup {
            id: None,
            vpc_id: form.vpc_id,
            name: form.name,
            sg_type: None,
        };
        self.create_security_group(ctx, n).await
    }

    /// Creates a load balancer from the console's form; the console's load balancers can all
    /// back an endpoint service.
    pub async fn console_create_load_balancer(
        &self,
        ctx: &Ctx,
        form: NewLoadBalancerForm,
    ) -> Result<LoadBalancerView, ApiError> {
        let n = NewLoadBalancer {
            id: None,
            vpc_id: form.vpc_id,
            lb_type: form.lb_type,
            name: form.name,
            zones: form.zones,
            dual_stack: form.dual_stack,
            privatelink_supported: true,
        };
        self.create_load_balancer(ctx, n).await
    }

    /// Creates or re-points a TCP listener, the port as typed in the form.
    pub async fn console_set_listener(
        &self,
        ctx: &Ctx,
        form: ListenerForm,
    ) -> Result<ListenerView, ApiError> {
        let port: i64 = form
            .port
            .trim()
            .parse()
            .map_err(|_| ApiError::illegal("ListenerPort", "the port must be a number"))?;
        self.set_listener(ctx, &form.lb_id, port, "TCP", &form.backend)
            .await
    }

    /// Creates a gateway endpoint for the OSS service of the form's region (the default policy
    /// when none was typed).
    pub async fn console_create_gateway_endpoint(
        &self,
        ctx: &Ctx,
        form: NewGatewayEndpointForm,
    ) -> Result<GatewayEndpointView, ApiError> {
        let n = NewGatewayEndpoint {
            service_name: oss_gateway_service(&form.region),
            region_id: form.region,
            vpc_id: form.vpc_id,
            name: form.name,
            policy_document: Some(form.policy_document).filter(|p| !p.trim().is_empty()),
            route_tables: form.route_tables,
        };
        self.create_gateway_endpoint(ctx, n).await
    }
}
