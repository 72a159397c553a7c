//! Demo fault injection: a zone outage (its ENIs leave DNS answers until it recovers) and an overdue
//! payment (the account's services and endpoints become FinancialLocked and their connections drop;
//! clearing it reconnects them). Available when demo tools are on.
//!
//! Who may use them from a browser session ([`DemoAccess`]): a tool aimed at one account (an
//! overdue payment) needs that account signed in to the session, or an operator account of the
//! scenario; a tool that affects everyone (a zone outage, the reset) needs an operator account, or,
//! when the scenario names no operator, every account of the scenario signed in to the session.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::region::REGIONS;
use crate::domain::state::{BusinessStatus, ConnectionStatus, Machine, ResourceStatus, ZoneStatus};
use crate::store::endpoints as eq;

/// Who asks for a demo tool: the accounts signed in to the browser session, and the scenario's
/// operators and accounts.
#[derive(Debug, Clone, Default)]
pub struct DemoAccess {
    pub signed_in: Vec<String>,
    /// The scenario's `operators`.
    pub operators: Vec<String>,
    /// Every account of the scenario (without a scenario: every non-platform account).
    pub accounts: Vec<String>,
}

impl DemoAccess {
    /// True when an operator account is signed in to the session.
    pub fn has_operator(&self) -> bool {
        self.signed_in.iter().any(|a| self.operators.contains(a))
    }

    /// Why the session may not use tools that affect every account, or `None` when it may.
    pub fn global_refusal(&self) -> Option<String> {
        if self.has_operator() {
            return None;
        }
        if !self.operators.is_empty() {
            return Some(format!(
                "Zone outages and the reset affect every account: sign in to an operator account of the scenario ({}) first.",
                self.operators.join(", ")
            ));
        }
        let missing: Vec<&str> = self
            .accounts
            .iter()
            .filter(|a| !self.signed_in.contains(a))
            .map(String::as_str)
            .collect();
        if self.signed_in.is_empty() || !missing.is_empty() {
            return Some(format!(
                "Zone outages and the reset affect every account: sign in to every account of the scenario (+ Account) first; missing: {}.",
                missing.join(", ")
            ));
        }
        None
    }
}

/// The longest transition delay the demo tool sets (one day).
pub const MAX_TRANSITION_DELAY_MS: i64 = 86_400_000;

fn forbidden(message: impl std::fmt::Display) -> ApiError {
    ApiError::demo_tools_forbidden(message)
}

impl Ops {
    /// Refuses unless demo tools are on (demo mode).
    pub fn require_demo_tools(&self) -> Result<(), ApiError> {
        if self.demo_tools {
            Ok(())
        } else {
            Err(ApiError::demo_tools_forbidden(
                "Fault injection is available in demo mode only.",
            ))
        }
    }

    /// Who may use demo tools: the session's accounts, the scenario's operators and accounts
    /// (without a scenario, every non-platform account of the store).
    pub async fn demo_access(
        &self,
        signed_in: Vec<String>,
        operators: &[String],
        scenario_accounts: Option<Vec<String>>,
    ) -> Result<DemoAccess, ApiError> {
        let accounts = match scenario_accounts {
            Some(a) => a,
            None => {
                let mut c = self.pool.acquire().await?;
                crate::store::accounts::accounts(&mut c)
                    .await?
                    .into_iter()
                    .filter(|a| !a.is_platform)
                    .map(|a| a.id)
                    .collect()
            }
        };
        Ok(DemoAccess {
            signed_in,
            operators: operators.to_vec(),
            accounts,
        })
    }

    /// Refuses a tool aimed at `account` unless it is signed in to the session or an operator is.
    pub fn authorize_demo_account_tool(
        &self,
        access: &DemoAccess,
        account: &str,
    ) -> Result<(), ApiError> {
        self.require_demo_tools()?;
        if access.signed_in.iter().any(|a| a == account) || access.has_operator() {
            Ok(())
        } else {
            Err(forbidden(format!(
                "Demo tools act only on accounts signed in to this browser: sign in to {account} first (+ Account)."
            )))
        }
    }

    /// Refuses a tool that affects every account (zone outage, reset) unless an operator, or (no
    /// operator named) every scenario account, is signed in to the session.
    pub fn authorize_demo_global_tool(&self, access: &DemoAccess) -> Result<(), ApiError> {
        self.require_demo_tools()?;
        match access.global_refusal() {
            None => Ok(()),
            Some(why) => Err(forbidden(why)),
        }
    }

    /// A zone outage asked for from the console (see [`DemoAccess`]).
    pub async fn demo_zone_outage(
        &self,
        ctx: &Ctx,
        access: &DemoAccess,
        zone_id: &str,
        down: bool,
    ) -> Result<(), ApiError> {
        self.authorize_demo_global_tool(access)?;
        self.set_zone_outage(ctx, zone_id, down).await
    }

    /// An overdue payment asked for from the console (see [`DemoAccess`]).
    pub async fn demo_overdue(
        &self,
        ctx: &Ctx,
        access: &DemoAccess,
        account_id: &str,
        overdue: bool,
    ) -> Result<(), ApiError> {
        self.authorize_demo_account_tool(access, account_id)?;
        self.set_overdue(ctx, account_id, overdue).await
    }

    /// How long transitional states (Creating, Connecting …) last from now on, in milliseconds.
    pub fn transition_delay_ms(&self) -> i64 {
        self.delay_ms.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sets how long transitions started from now on last (a demo tool that affects every
    /// account, so authorized like a zone outage); transitions under way keep their due time.
    pub fn demo_set_transition_delay(&self, access: &DemoAccess, ms: i64) -> Result<(), ApiError> {
        self.authorize_demo_global_tool(access)?;
        if !(0..=MAX_TRANSITION_DELAY_MS).contains(&ms) {
            return Err(ApiError::invalid(format!(
                "The transition delay must be between 0 and {MAX_TRANSITION_DELAY_MS} ms."
            )));
        }
        self.delay_ms
            .store(ms, std::sync::atomic::Ordering::Relaxed);
        Ok(())
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
            return Err(ApiError::unknown_zone(zone_id));
        };
        self.change(
            ctx,
            async |tx| Ok(crate::store::accounts::ids(tx).await?),
            async |tx, audience| {
                eq::set_zone_fault(tx, zone_id, down, self.clock.now()).await?;
                Ok(Done::new(Change {
                    topic: "demo",
                    action: if down {
                        "InjectZoneOutage"
                    } else {
                        "RecoverZone"
                    },
                    target: zone_id.to_string(),
                    region_id: region.id.to_string(),
                    summary: if down {
                        format!("zone {zone_id} is down")
                    } else {
                        format!("zone {zone_id} recovered")
                    },
                    before: None,
                    after: None,
                    audience,
                }))
            },
        )
        .await
    }

    /// An account's business status (`Normal` or `FinancialLocked`).
    pub async fn business_status(&self, account: &str) -> Result<BusinessStatus, ApiError> {
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
        self.change(
            ctx,
            async |tx| {
                if crate::store::accounts::account(tx, account_id)
                    .await?
                    .is_none()
                {
                    return Err(ApiError::account_not_found(account_id));
                }
                Ok(())
            },
            async |tx, ()| {
                let status = if overdue {
                    BusinessStatus::FinancialLocked
                } else {
                    BusinessStatus::Normal
                };
                crate::store::accounts::set_business_status(tx, account_id, status).await?;
                crate::store::services::set_business_status_of_account(tx, account_id, status)
                    .await?;
                eq::set_business_status_of_account(tx, account_id, status).await?;
                let due = self.due();
                let mut audience = vec![account_id.to_string()];
                for mut k in eq::connections_of_account(tx, account_id).await? {
                    let other = if k.endpoint_owner_id == account_id {
                        &k.service_owner_id
                    } else {
                        &k.endpoint_owner_id
                    };
                    audience.push(other.clone());
                    if overdue && k.status.is_live() {
                        k.locked_from = Some(k.status);
                        k.status = k.status.to(ConnectionStatus::Disconnecting)?;
                        k.due_at = Some(due);
                        for z in eq::zones(tx, &k.endpoint_id).await? {
                            if let Some(to) = z.status.on_cut() {
                                eq::set_zone_status(tx, &k.endpoint_id, &z.zone_id, to, Some(due))
                                    .await?;
                            }
                        }
                    } else if !overdue && k.locked_from.is_some() {
                        let other_ok = crate::store::accounts::account(tx, other)
                            .await?
                            .is_some_and(|a| a.business_status == BusinessStatus::Normal);
                        // Only a connection the lock cut (Disconnecting or Disconnected) comes
                        // back: one whose endpoint is being deleted, or whose service is being
                        // deleted or gone, stays where it is.
                        let service_deleting = crate::store::services::get(tx, &k.service_id)
                            .await?
                            .is_none_or(|s| s.status == ResourceStatus::Deleting);
                        if !other_ok
                            || service_deleting
                            || !k.status.can_move(ConnectionStatus::Connecting)
                        {
                            continue;
                        }
                        k.locked_from = None;
                        k.status = k.status.to(ConnectionStatus::Connecting)?;
                        k.due_at = Some(due);
                        for z in eq::zones(tx, &k.endpoint_id).await? {
                            if matches!(z.status, ZoneStatus::Wait | ZoneStatus::Disconnecting) {
                                let to = z.status.to(ZoneStatus::Connecting)?;
                                eq::set_zone_status(tx, &k.endpoint_id, &z.zone_id, to, Some(due))
                                    .await?;
                            }
                        }
                    } else {
                        continue;
                    }
                    k.modified_at = self.clock.now();
                    eq::update_connection(tx, &k).await?;
                }
                Ok(Done::new(Change {
                    topic: "demo",
                    action: if overdue {
                        "InjectOverduePayment"
                    } else {
                        "ClearOverduePayment"
                    },
                    target: account_id.to_string(),
                    region_id: String::new(),
                    summary: if overdue {
                        format!("account {account_id} has an overdue payment")
                    } else {
                        format!("account {account_id} paid")
                    },
                    before: None,
                    after: None,
                    audience,
                })
                .wake())
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::DemoAccess;

    fn access(signed_in: &[&str], operators: &[&str]) -> DemoAccess {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        DemoAccess {
            signed_in: v(signed_in),
            operators: v(operators),
            accounts: v(&["a", "b", "c"]),
        }
    }

    #[test]
    fn global_tools_need_an_operator_or_every_account() {
        assert!(access(&["op"], &["op"]).global_refusal().is_none());
        assert!(access(&["a", "b", "c"], &["op"]).global_refusal().is_some());
        assert!(access(&["a", "b", "c"], &[]).global_refusal().is_none());
        let why = access(&["a", "b"], &[]).global_refusal().unwrap();
        assert!(why.contains("missing: c"), "{why}");
        assert!(access(&[], &[]).global_refusal().is_some());
    }
}
