//! Demo fault injection: a zone outage (its ENIs leave DNS answers until it recovers) and an overdue
//! payment (the account's services and endpoints become FinancialLocked and their connections drop;
//! clearing it reconnects them). Available when demo tools are on.

use super::audit::Change;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::region::REGIONS;
use crate::domain::status_machine::{connection as conn, zone as zst};
use crate::store::Db;
use crate::store::endpoints as eq;

impl Ops {
    /// Refuses unless demo tools are on (demo mode).
    pub fn require_demo_tools(&self) -> Result<(), ApiError> {
        if self.demo_tools {
            Ok(())
        } else {
            Err(ApiError::new(
                "Forbidden.DemoTools",
                "Fault injection is available in demo mode only.",
            )
            .status(403))
        }
    }

    /// Takes a zone down (`down = true`) or brings it back.
    pub async fn set_zone_outage(
        &self,
        ctx: &Ctx,
        zone_id: &str,
        down: bool,
    ) -> Result<(), ApiError> {
        self.require_demo_tools()?;
        let Some(region) = REGIONS.iter().find(|r| r.zones.contains(&zone_id)) else {
            return Err(ApiError::new(
                "InvalidZoneId.NotFound",
                format!("There is no zone {zone_id}."),
            ));
        };
        let mut tx = self.write_tx().await?;
        if down {
            sqlx::query::<Db>(
                "INSERT OR IGNORE INTO zone_faults (zone_id, created_at) VALUES ($1, $2)",
            )
            .bind(zone_id)
            .bind(self.clock.now())
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query::<Db>("DELETE FROM zone_faults WHERE zone_id = $1")
                .bind(zone_id)
                .execute(&mut *tx)
                .await?;
        }
        let audience: Vec<String> = sqlx::query_scalar::<Db, String>("SELECT id FROM accounts")
            .fetch_all(&mut *tx)
            .await?;
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "demo",
                action: if down {
                    "InjectZoneOutage"
                } else {
                    "RecoverZone"
                },
                target: zone_id,
                region_id: region.id,
                summary: if down {
                    format!("zone {zone_id} is down")
                } else {
                    format!("zone {zone_id} recovered")
                },
                before: None,
                after: None,
                audience,
            },
        )
        .await?;
        Ok(())
    }

    /// An account's business status (`Normal` or `FinancialLocked`).
    pub async fn business_status(&self, account: &str) -> Result<String, ApiError> {
        let mut c = self.pool.acquire().await?;
        self.account_business_status(&mut c, account).await
    }

    /// The zones currently down.
    pub async fn zone_outages(&self) -> Result<Vec<String>, ApiError> {
        let mut c = self.pool.acquire().await?;
        Ok(eq::faulty_zones(&mut c).await?)
    }

    /// Marks an account's payment overdue (or clears it), locking or unlocking its resources.
    pub async fn set_overdue(
        &self,
        ctx: &Ctx,
        account_id: &str,
        overdue: bool,
    ) -> Result<(), ApiError> {
        self.require_demo_tools()?;
        let mut tx = self.write_tx().await?;
        if crate::store::accounts::account(&mut tx, account_id)
            .await?
            .is_none()
        {
            return Err(ApiError::new(
                "AccountNotFound",
                format!("There is no account {account_id}."),
            ));
        }
        let status = if overdue { "FinancialLocked" } else { "Normal" };
        crate::store::accounts::set_business_status(&mut tx, account_id, status).await?;
        sqlx::query::<Db>(
            "UPDATE endpoint_services SET business_status = $2 WHERE account_id = $1",
        )
        .bind(account_id)
        .bind(status)
        .execute(&mut *tx)
        .await?;
        sqlx::query::<Db>("UPDATE endpoints SET business_status = $2 WHERE account_id = $1")
            .bind(account_id)
            .bind(status)
            .execute(&mut *tx)
            .await?;
        let due = self.due();
        let mut audience = vec![account_id.to_string()];
        for mut k in eq::connections_of_account(&mut tx, account_id).await? {
            let other = if k.endpoint_owner_id == account_id {
                &k.service_owner_id
            } else {
                &k.endpoint_owner_id
            };
            audience.push(other.clone());
            if overdue
                && matches!(
                    k.status.as_str(),
                    conn::CONNECTED | conn::CONNECTING | conn::PENDING
                )
            {
                k.locked_from = Some(k.status.clone());
                k.status = conn::DISCONNECTING.into();
                k.due_at = Some(due);
                for z in eq::zones(&mut tx, &k.endpoint_id)
                    .await?
                    .iter()
                    .filter(|z| matches!(z.status.as_str(), zst::CONNECTED | zst::CONNECTING))
                {
                    eq::set_zone_status(
                        &mut tx,
                        &k.endpoint_id,
                        &z.zone_id,
                        zst::DISCONNECTING,
                        Some(due),
                    )
                    .await?;
                }
            } else if !overdue && k.locked_from.is_some() {
                let other_ok = crate::store::accounts::account(&mut tx, other)
                    .await?
                    .is_some_and(|a| a.business_status == "Normal");
                // Only a connection the lock cut (Disconnecting or Disconnected) comes back: one
                // whose endpoint is being deleted, or whose service is being deleted or gone,
                // stays where it is.
                let service_deleting = crate::store::services::get(&mut tx, &k.service_id)
                    .await?
                    .is_none_or(|s| s.status == crate::domain::status_machine::resource::DELETING);
                if !other_ok || service_deleting || !conn::can_move(&k.status, conn::CONNECTING) {
                    continue;
                }
                k.locked_from = None;
                k.status = conn::CONNECTING.into();
                k.due_at = Some(due);
                for z in eq::zones(&mut tx, &k.endpoint_id)
                    .await?
                    .iter()
                    .filter(|z| matches!(z.status.as_str(), zst::WAIT | zst::DISCONNECTING))
                {
                    eq::set_zone_status(
                        &mut tx,
                        &k.endpoint_id,
                        &z.zone_id,
                        zst::CONNECTING,
                        Some(due),
                    )
                    .await?;
                }
            } else {
                continue;
            }
            k.modified_at = self.clock.now();
            eq::update_connection(&mut tx, &k).await?;
        }
        self.commit_change(
            tx,
            ctx,
            Change {
                topic: "demo",
                action: if overdue {
                    "InjectOverduePayment"
                } else {
                    "ClearOverduePayment"
                },
                target: account_id,
                region_id: "",
                summary: if overdue {
                    format!("account {account_id} has an overdue payment")
                } else {
                    format!("account {account_id} paid")
                },
                before: None,
                after: None,
                audience,
            },
        )
        .await?;
        self.wake();
        Ok(())
    }
}
