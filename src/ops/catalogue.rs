//! The built-in catalogue of Alibaba Cloud managed services (OSS, SLS), owned by the platform
//! account and visible to every account in every region. Interface endpoints to them may carry an
//! endpoint policy and may enable the service's usual internal domain (custom service domain).

use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::names::{default_resource_group, managed_service_name, service_domain};
use crate::domain::region::REGIONS;
use crate::domain::state::{BusinessStatus, IpVersion, ResourceStatus};
use crate::store::accounts::{self as aq, AccountRow};
use crate::store::services::{self as q, ResourceRow, ServiceRow};

/// The platform account that owns the managed services.
pub const PLATFORM_ACCOUNT: &str = "1999999999999999";

/// (product, description, custom domain pattern with `{region}`).
pub const PRODUCTS: &[(&str, &str, &str)] = &[
    (
        "oss",
        "Object Storage Service (OSS)",
        "oss-{region}-internal.aliyuncs.com",
    ),
    (
        "sls",
        "Simple Log Service (SLS)",
        "{region}-intranet.log.aliyuncs.com",
    ),
];

impl Ops {
    /// Creates the platform account and its managed services once; later calls do nothing.
    pub async fn ensure_catalogue(&self) -> Result<(), ApiError> {
        self.change(
            &Ctx::system(),
            async |tx| Ok(aq::account(tx, PLATFORM_ACCOUNT).await?.is_some()),
            async |tx, present| {
                if present {
                    return Ok(Done::many((), vec![]));
                }
                let now = self.clock.now();
                aq::insert_account(
                    tx,
                    &AccountRow {
                        id: PLATFORM_ACCOUNT.into(),
                        name: "Alibaba Cloud".into(),
                        // Not a valid PHC hash: nobody can sign in as the platform.
                        password_hash: "!".into(),
                        is_platform: true,
                        business_status: BusinessStatus::Normal,
                        created_at: now,
                    },
                )
                .await?;
                for r in REGIONS {
                    for (product, description, domain) in PRODUCTS {
                        let id = format!(
                            "epsrv-{}{}{}",
                            r.id_prefix,
                            product,
                            "0".repeat(17 - product.len())
                        );
                        q::insert(
                            tx,
                            &ServiceRow {
                                name: managed_service_name(r.id, product),
                                domain: service_domain(r.id, &id),
                                id: id.clone(),
                                account_id: PLATFORM_ACCOUNT.into(),
                                region_id: r.id.into(),
                                description: (*description).into(),
                                status: ResourceStatus::Active,
                                due_at: None,
                                business_status: BusinessStatus::Normal,
                                resource_type: "slb".into(),
                                auto_accept: true,
                                zone_affinity: false,
                                address_ip_version: IpVersion::Ipv4,
                                connect_bandwidth: 3072,
                                payer: "Endpoint".into(),
                                resource_group_id: default_resource_group(PLATFORM_ACCOUNT),
                                managed_product: Some((*product).into()),
                                custom_domain: Some(domain.replace("{region}", r.id)),
                                policy_supported: true,
                                created_at: now,
                                updated_at: now,
                            },
                        )
                        .await?;
                        for (i, zone) in r.zones.iter().enumerate() {
                            q::insert_resource(
                                tx,
                                &ResourceRow {
                                    service_id: id.clone(),
                                    resource_id: format!(
                                        "lb-{}{product}platform{i:02}",
                                        r.id_prefix
                                    ),
                                    resource_type: "slb".into(),
                                    zone_id: (*zone).into(),
                                    auto_allocated: true,
                                    created_at: now,
                                },
                            )
                            .await?;
                        }
                    }
                }
                // Start-up bookkeeping of the platform's own catalogue: nothing to audit.
                Ok(Done::many((), vec![]))
            },
        )
        .await
    }
}
