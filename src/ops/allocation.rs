//! Which service resource serves each endpoint zone: the auto-allocation flag of a service's
//! resources (UpdateVpcEndpointServiceResourceAttribute) and manual assignment or replacement of
//! the resource behind one zone of a connection (UpdateVpcEndpointZoneConnectionResourceAttribute).
//! Both put the service in `Pending` until the reconciler finishes the change.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::state::ConnectionStatus;
use crate::store::endpoints as eq;
use crate::store::services::{self as q, ResourceRow};
use serde_json::json;

/// How UpdateVpcEndpointZoneConnectionResourceAttribute picks the zone's resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneResourceChange {
    /// `ResourceAllocateMode=Auto` (connection Disconnected): any auto-allocated resource.
    AllocateAuto,
    /// `ResourceAllocateMode=Manual` (connection Disconnected): this resource.
    AllocateManual {
        resource_id: String,
        resource_type: String,
    },
    /// `ResourceReplaceMode=Graceful|Force` (connection Connected): move to this resource; the
    /// current one must not be auto-allocated.
    Replace {
        resource_id: String,
        resource_type: String,
        force: bool,
    },
}

impl ZoneResourceChange {
    /// Reads the API's `ResourceAllocateMode`, `ResourceReplaceMode`, `ResourceId`, `ResourceType`.
    pub fn from_params(
        allocate: Option<&str>,
        replace: Option<&str>,
        resource_id: Option<&str>,
        resource_type: Option<&str>,
    ) -> Result<Self, ApiError> {
        let resource = || -> Result<(String, String), ApiError> {
            let id = resource_id
                .filter(|s| !s.is_empty())
                .ok_or_else(ApiError::missing_resource_id)?;
            let ty = resource_type.unwrap_or("").to_ascii_lowercase();
            if ty != "slb" && ty != "alb" {
                return Err(ApiError::resource_type_not_supported(ty));
            }
            Ok((id.to_string(), ty))
        };
        match (
            allocate.filter(|s| !s.is_empty()),
            replace.filter(|s| !s.is_empty()),
        ) {
            (_, Some(mode)) => {
                let force = match mode {
                    "Graceful" => false,
                    "Force" => true,
                    other => {
                        return Err(ApiError::illegal_replace_mode(other));
                    }
                };
                let (resource_id, resource_type) = resource()?;
                Ok(Self::Replace {
                    resource_id,
                    resource_type,
                    force,
                })
            }
            (Some("Auto"), None) => Ok(Self::AllocateAuto),
            (Some("Manual"), None) => {
                let (resource_id, resource_type) = resource()?;
                Ok(Self::AllocateManual {
                    resource_id,
                    resource_type,
                })
            }
            (Some(other), None) => Err(ApiError::illegal_allocate_mode(other)),
            (None, None) => Err(ApiError::missing_allocate_mode()),
        }
    }
}

fn resource_not_found() -> ApiError {
    ApiError::service_resource_not_found()
}

impl Ops {
    /// UpdateVpcEndpointServiceResourceAttribute: turns automatic allocation of new endpoint zones
    /// to `resource_id` on or off. Every zone keeps at least one auto-allocated resource.
    pub async fn set_resource_auto_allocation(
        &self,
        ctx: &Ctx,
        service_id: &str,
        resource_id: &str,
        zone_id: Option<&str>,
        enabled: bool,
    ) -> Result<(), ApiError> {
        let zone_id = zone_id.filter(|z| !z.is_empty());
        self.change(
            ctx,
            async |tx| {
                let s = self.active_owned_service(tx, ctx, service_id).await?;
                let all = q::resources(tx, &s.id).await?;
                let targets: Vec<&ResourceRow> = all
                    .iter()
                    .filter(|r| {
                        r.resource_id == resource_id && zone_id.is_none_or(|z| z == r.zone_id)
                    })
                    .collect();
                if targets.is_empty() {
                    return Err(resource_not_found());
                }
                if !enabled {
                    for t in &targets {
                        let others = all.iter().any(|r| {
                            r.zone_id == t.zone_id
                                && r.auto_allocated
                                && r.resource_id != t.resource_id
                        });
                        if !others {
                            return Err(ApiError::auto_allocate_violation(&t.zone_id));
                        }
                    }
                }
                let targets: Vec<(String, String)> = targets
                    .into_iter()
                    .map(|t| (t.resource_id.clone(), t.zone_id.clone()))
                    .collect();
                Ok((s, targets))
            },
            async |tx, (mut s, targets)| {
                for (resource, zone) in &targets {
                    q::set_auto_allocated(tx, &s.id, resource, zone, enabled).await?;
                }
                self.mark_service_pending(tx, &mut s).await?;
                Ok(Done::new(Change {
                    topic: "service",
                    action: "UpdateVpcEndpointServiceResourceAttribute",
                    target: s.id,
                    region_id: s.region_id,
                    summary: format!(
                        "automatic allocation to {resource_id} turned {}",
                        if enabled { "on" } else { "off" }
                    ),
                    before: Some(json!({"resource": resource_id, "auto_allocated": !enabled})),
                    after: Some(json!({"resource": resource_id, "auto_allocated": enabled})),
                    audience: vec![],
                })
                .wake())
            },
        )
        .await
    }

    /// UpdateVpcEndpointZoneConnectionResourceAttribute: sets the service resource behind one zone
    /// of a connection to `service_id`.
    pub async fn set_zone_resource(
        &self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
        zone_id: &str,
        change: ZoneResourceChange,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let s = self.active_owned_service(tx, ctx, service_id).await?;
                let e = eq::get(tx, endpoint_id)
                    .await?
                    .ok_or_else(ApiError::endpoint_not_found)?;
                let k = match eq::connection(tx, endpoint_id).await? {
                    Some(k) if k.service_id == s.id => k,
                    _ => return Err(ApiError::connection_not_found()),
                };
                let z = eq::zones(tx, endpoint_id)
                    .await?
                    .into_iter()
                    .find(|z| z.zone_id == zone_id)
                    .ok_or_else(ApiError::zone_not_found)?;
                let resources = q::resources(tx, &s.id).await?;
                let wants_disconnected = !matches!(change, ZoneResourceChange::Replace { .. });
                let status_ok = if wants_disconnected {
                    k.status == ConnectionStatus::Disconnected
                } else {
                    k.status == ConnectionStatus::Connected
                };
                if !status_ok {
                    return Err(ApiError::connection_denied());
                }
                let pick = |id: &str, ty: &str| -> Result<String, ApiError> {
                    let r = resources
                        .iter()
                        .find(|r| r.resource_id == id)
                        .ok_or_else(resource_not_found)?;
                    if !r.resource_type.eq_ignore_ascii_case(ty) {
                        return Err(ApiError::resource_type_mismatch(id, ty));
                    }
                    if !resources
                        .iter()
                        .any(|r| r.resource_id == id && r.zone_id == zone_id)
                    {
                        return Err(ApiError::zone_mismatch(id, zone_id));
                    }
                    Ok(id.to_string())
                };
                let chosen = match &change {
                    ZoneResourceChange::AllocateAuto => resources
                        .iter()
                        .find(|r| r.zone_id == zone_id && r.auto_allocated)
                        .map(|r| r.resource_id.clone())
                        .ok_or_else(resource_not_found)?,
                    ZoneResourceChange::AllocateManual {
                        resource_id,
                        resource_type,
                    } => pick(resource_id, resource_type)?,
                    ZoneResourceChange::Replace {
                        resource_id,
                        resource_type,
                        ..
                    } => {
                        let current_auto = z.resource_id.as_deref().is_some_and(|cur| {
                            resources.iter().any(|r| {
                                r.resource_id == cur && r.zone_id == zone_id && r.auto_allocated
                            })
                        });
                        if current_auto {
                            return Err(ApiError::current_resource_auto_allocated());
                        }
                        pick(resource_id, resource_type)?
                    }
                };
                Ok((s, e, z, chosen))
            },
            async |tx, (mut s, e, z, chosen)| {
                eq::set_zone_resource(tx, endpoint_id, zone_id, &chosen).await?;
                self.mark_service_pending(tx, &mut s).await?;
                Ok(Done::new(Change {
                    topic: "connection",
                    action: "UpdateVpcEndpointZoneConnectionResourceAttribute",
                    target: endpoint_id.to_string(),
                    region_id: s.region_id,
                    summary: format!("zone {zone_id} of {endpoint_id} now served by {chosen}"),
                    before: Some(json!({"zone": zone_id, "resource": z.resource_id})),
                    after: Some(json!({"zone": zone_id, "resource": chosen})),
                    audience: vec![e.account_id],
                })
                .wake())
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_resource_modes() {
        let code = |a, r, id, ty| {
            ZoneResourceChange::from_params(a, r, id, ty)
                .unwrap_err()
                .code
        };
        assert_eq!(
            ZoneResourceChange::from_params(Some("Auto"), None, None, None).unwrap(),
            ZoneResourceChange::AllocateAuto
        );
        assert_eq!(
            code(None, None, None, None),
            "MissingParam.ResourceAllocateMode"
        );
        assert_eq!(
            code(Some("Sometimes"), None, None, None),
            "IllegalParam.ResourceAllocateMode"
        );
        assert_eq!(
            code(None, Some("Gently"), Some("lb-1"), Some("slb")),
            "IllegalParam.ResourceReplaceMode"
        );
        assert_eq!(
            code(Some("Manual"), None, None, Some("slb")),
            "MissingParam.ResourceId"
        );
        assert_eq!(
            code(Some("Manual"), None, Some("nlb-1"), Some("nlb")),
            "EndpointServiceResourceTypeNotSupport"
        );
        assert!(matches!(
            ZoneResourceChange::from_params(None, Some("Force"), Some("alb-1"), Some("ALB"))
                .unwrap(),
            ZoneResourceChange::Replace { force: true, .. }
        ));
    }
}
