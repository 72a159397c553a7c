//! The DNS view of PrivateLink names: endpoint domains answer with the IPs of healthy zones only
//! (ordered by the caller's zone when zone affinity is on), zone domains with their zone's IP, and
//! custom service domains only inside the endpoint's VPC (or VPCs linked to it).

use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::model::DnsAnswer;
use crate::store::endpoints as eq;
use crate::store::links;

impl Ops {
    /// Resolves `name` as seen from `from_vpc` (for custom domains) in `caller_zone` (for affinity).
    pub async fn resolve(
        &self,
        _ctx: &Ctx,
        name: &str,
        from_vpc: Option<&str>,
        caller_zone: Option<&str>,
    ) -> Result<DnsAnswer, ApiError> {
        let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
        let mut c = self.pool.acquire().await?;
        let faults = eq::faulty_zones(&mut c).await?;
        let mut answer = DnsAnswer {
            name: name.clone(),
            addresses: vec![],
            withheld_zones: vec![],
        };
        let first = name.split('.').next().unwrap_or("");
        if name.ends_with(".privatelink.aliyuncs.com") && first.starts_with("ep-") {
            // `ep-x` (endpoint domain) or `ep-x-<zone>` (zone domain).
            let endpoint_id: String = first.chars().take(23).collect();
            let Some(e) = eq::get(&mut c, &endpoint_id).await? else {
                return Ok(answer);
            };
            let zone_part = first
                .strip_prefix(&endpoint_id)
                .and_then(|r| r.strip_prefix('-'));
            let mut zones = eq::zones(&mut c, &e.id).await?;
            if let Some(z) = zone_part {
                zones.retain(|x| x.zone_id == z);
            } else if e.zone_affinity
                && let Some(cz) = caller_zone
            {
                zones.sort_by_key(|z| z.zone_id != cz);
            }
            for z in zones.into_iter().filter(|z| z.status.resolves()) {
                if z.healthy && !faults.contains(&z.zone_id) {
                    answer.addresses.push(z.ip);
                } else {
                    answer.withheld_zones.push(z.zone_id);
                }
            }
            return Ok(answer);
        }
        // Custom service domains: endpoints that enabled them, visible from their VPC or linked VPCs.
        let rows = eq::with_custom_domain(&mut c, &name).await?;
        for (ep, vpc) in rows {
            let visible = match from_vpc {
                Some(v) if v == vpc => true,
                Some(v) => links::exists(&mut c, &links::dns_link(v, &vpc)).await?,
                None => false,
            };
            if !visible {
                continue;
            }
            for z in eq::zones(&mut c, &ep)
                .await?
                .into_iter()
                .filter(|z| z.status.resolves())
            {
                if z.healthy && !faults.contains(&z.zone_id) {
                    answer.addresses.push(z.ip);
                } else {
                    answer.withheld_zones.push(z.zone_id);
                }
            }
        }
        Ok(answer)
    }
}
