//! The reconciler: advances transitional states whose delay has passed. All state is in the database,
//! so after a restart it simply finishes whatever was due.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::state::{ConnectionStatus, Machine, ResourceStatus, ZoneStatus};
use crate::store::endpoints as eq;
use crate::store::services as sq;
use crate::store::{due, inventory as inv};
use std::time::Duration;

/// How long the reconciler waits before retrying after a step failed (milliseconds).
const RETRY_AFTER_FAILURE_MS: i64 = 500;

/// What one pass of the reconciler did.
#[derive(Debug, Default)]
struct Pass {
    changed: usize,
    /// The first step that failed (the others went on).
    failed: Option<ApiError>,
}

impl Pass {
    /// Counts a step (its change committed and published its event), or logs its failure and
    /// leaves the item for the next round.
    fn step(&mut self, kind: &str, id: &str, r: Result<bool, ApiError>) {
        match r {
            Ok(true) => self.changed += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(kind, id, code = %e.code, error = %e, "reconciler step failed; retrying next round");
                self.failed.get_or_insert(e);
            }
        }
    }
}

/// A settled item's audit record: the reconciler's `Reconcile` action, seen by both sides.
fn settled(
    topic: &'static str,
    target: String,
    region_id: String,
    summary: String,
    audience: Vec<String>,
) -> Done<bool> {
    Done::with(
        true,
        Change {
            topic,
            action: "Reconcile",
            target,
            region_id,
            summary,
            before: None,
            after: None,
            audience,
        },
    )
}

impl Ops {
    /// Advances every transition that is due now; returns how many objects changed.
    ///
    /// Each due item settles in its own transaction, which first checks that the item is still
    /// due and still in the state it was listed in (an operation may have moved it meanwhile),
    /// and its live event is published right after that commit. An item that fails is logged and
    /// left for the next round while the others go on; the pass then answers the first failure.
    pub async fn advance_due(&self) -> Result<usize, ApiError> {
        let now = self.clock.now();
        let mut pass = Pass::default();

        // Services: Creating/Pending → Active; Deleting → gone (its endpoints' connections → ServiceDeleted).
        let due = due::services(&mut *self.pool.acquire().await?, now).await?;
        for (id, status) in due {
            let r = self.settle_service(&id, status, now).await;
            pass.step("service", &id, r);
        }

        // Connections first, so zones see the settled connection status.
        let due = due::connections(&mut *self.pool.acquire().await?, now).await?;
        for (id, status) in due {
            let r = self.settle_connection(&id, status, now).await;
            pass.step("connection", &id, r);
        }

        // Endpoint zones.
        let due = due::zones(&mut *self.pool.acquire().await?, now).await?;
        for (ep, zone, status) in due {
            let r = self.settle_zone(&ep, &zone, status, now).await;
            pass.step("endpoint zone", &format!("{ep}/{zone}"), r);
        }

        // Endpoint security groups: Attaching → Attached, Detaching → gone (no event).
        let r = self.settle_security_groups(now).await;
        pass.step("endpoint security groups", "", r);

        // Endpoints: Creating/Pending → Active; Deleting → gone with its zones, ENIs and connection.
        let due = due::endpoints(&mut *self.pool.acquire().await?, now).await?;
        for (id, status) in due {
            let r = self.settle_endpoint(&id, status, now).await;
            pass.step("endpoint", &id, r);
        }

        let due = due::gateways(&mut *self.pool.acquire().await?, now).await?;
        for (id, status) in due {
            let r = self.settle_gateway(&id, status, now).await;
            pass.step("gateway endpoint", &id, r);
        }
        match pass.failed {
            Some(e) => Err(e),
            None => Ok(pass.changed),
        }
    }

    /// One due service, in its own transaction; `false` when it is no longer due or in `expected`.
    async fn settle_service(
        &self,
        id: &str,
        expected: ResourceStatus,
        now: i64,
    ) -> Result<bool, ApiError> {
        self.change(
            &Ctx::system(),
            async |tx| {
                Ok(sq::get(tx, id)
                    .await?
                    .filter(|s| s.status == expected && s.due_at.is_some_and(|d| d <= now)))
            },
            async |tx, s| {
                let Some(mut s) = s else {
                    return Ok(Done::many(false, vec![]));
                };
                let mut audience = self.service_audience(tx, &s.id).await?;
                audience.push(s.account_id.clone());
                if let Some(next) = s.status.settle() {
                    s.status = s.status.to(next)?;
                    s.due_at = None;
                    sq::update(tx, &s).await?;
                } else if s.status == ResourceStatus::Deleting {
                    eq::orphan_connections_of_service(tx, &s.id, now).await?;
                    sq::delete(tx, &s.id).await?;
                } else {
                    s.due_at = None;
                    sq::update(tx, &s).await?;
                }
                let summary = if s.status == ResourceStatus::Deleting {
                    "service deleted".to_string()
                } else {
                    format!("service is {}", s.status)
                };
                Ok(settled("service", s.id, s.region_id, summary, audience))
            },
        )
        .await
    }

    /// One due connection, in its own transaction.
    async fn settle_connection(
        &self,
        id: &str,
        expected: ConnectionStatus,
        now: i64,
    ) -> Result<bool, ApiError> {
        self.change(
            &Ctx::system(),
            async |tx| {
                Ok(eq::connection(tx, id)
                    .await?
                    .filter(|k| k.status == expected && k.due_at.is_some_and(|d| d <= now)))
            },
            async |tx, k| {
                let Some(mut k) = k else {
                    return Ok(Done::many(false, vec![]));
                };
                if let Some(next) = k.status.settle() {
                    k.status = k.status.to(next)?;
                }
                k.due_at = None;
                k.modified_at = now;
                eq::update_connection(tx, &k).await?;
                let region = eq::get(tx, id)
                    .await?
                    .map(|e| e.region_id)
                    .unwrap_or_default();
                let summary = format!("connection is {}", k.status);
                let audience = vec![k.endpoint_owner_id, k.service_owner_id];
                Ok(settled("connection", id.into(), region, summary, audience))
            },
        )
        .await
    }

    /// One due endpoint zone, in its own transaction.
    async fn settle_zone(
        &self,
        ep: &str,
        zone: &str,
        expected: ZoneStatus,
        now: i64,
    ) -> Result<bool, ApiError> {
        self.change(
            &Ctx::system(),
            async |tx| {
                Ok(eq::zones(tx, ep).await?.into_iter().find(|z| {
                    z.zone_id == zone && z.status == expected && z.due_at.is_some_and(|d| d <= now)
                }))
            },
            async |tx, z| {
                let Some(z) = z else {
                    return Ok(Done::many(false, vec![]));
                };
                let k = eq::connection(tx, ep).await?;
                let k_status = k
                    .as_ref()
                    .map_or(ConnectionStatus::ServiceDeleted, |k| k.status);
                match z.status {
                    ZoneStatus::Deleting => {
                        eq::delete_zone(tx, ep, zone).await?;
                        inv::release_ips(tx, &z.eni_id).await?;
                    }
                    ZoneStatus::Creating | ZoneStatus::Connecting => {
                        let to = z.status.to(ZoneStatus::settle_with(k_status))?;
                        // Still connecting: check again when the connection settles.
                        let due = (to == ZoneStatus::Connecting)
                            .then(|| k.as_ref().and_then(|k| k.due_at).unwrap_or(now + 50));
                        eq::set_zone_status(tx, ep, zone, to, due).await?
                    }
                    ZoneStatus::Disconnecting => {
                        // A single-zone disable leaves the zone Disconnected; a whole-connection
                        // disconnect puts it back to Wait.
                        let to = z.status.to(ZoneStatus::settle_cut(k_status))?;
                        eq::set_zone_status(tx, ep, zone, to, None).await?;
                    }
                    _ => eq::set_zone_status(tx, ep, zone, z.status, None).await?,
                }
                let audience = k
                    .map(|k| vec![k.endpoint_owner_id, k.service_owner_id])
                    .unwrap_or_default();
                let summary = format!("zone {zone} settled");
                Ok(settled(
                    "endpoint",
                    ep.into(),
                    String::new(),
                    summary,
                    audience,
                ))
            },
        )
        .await
    }

    /// Endpoint security groups that are due, in one transaction (no audit row, no event).
    async fn settle_security_groups(&self, now: i64) -> Result<bool, ApiError> {
        self.change(
            &Ctx::system(),
            async |_| Ok(()),
            async |tx, ()| {
                due::settle_security_groups(tx, now).await?;
                Ok(Done::many(false, vec![]))
            },
        )
        .await
    }

    /// One due endpoint, in its own transaction.
    async fn settle_endpoint(
        &self,
        id: &str,
        expected: ResourceStatus,
        now: i64,
    ) -> Result<bool, ApiError> {
        self.change(
            &Ctx::system(),
            async |tx| {
                Ok(eq::get(tx, id)
                    .await?
                    .filter(|e| e.status == expected && e.due_at.is_some_and(|d| d <= now)))
            },
            async |tx, e| {
                let Some(mut e) = e else {
                    return Ok(Done::many(false, vec![]));
                };
                let provider = eq::connection(tx, id).await?.map(|k| k.service_owner_id);
                if let Some(next) = e.status.settle() {
                    e.status = e.status.to(next)?;
                    e.due_at = None;
                    eq::update(tx, &e).await?;
                } else if e.status == ResourceStatus::Deleting {
                    for z in eq::zones(tx, id).await? {
                        inv::release_ips(tx, &z.eni_id).await?;
                    }
                    crate::store::tags::remove(tx, id, None).await?;
                    eq::delete(tx, id).await?;
                } else {
                    e.due_at = None;
                    eq::update(tx, &e).await?;
                }
                let mut audience = vec![e.account_id.clone()];
                audience.extend(provider);
                let summary = if e.status == ResourceStatus::Deleting {
                    "endpoint deleted".to_string()
                } else {
                    format!("endpoint is {}", e.status)
                };
                Ok(settled(
                    "endpoint",
                    id.into(),
                    e.region_id,
                    summary,
                    audience,
                ))
            },
        )
        .await
    }

    /// When the next transition is due (unix ms), if any.
    pub async fn next_due(&self) -> Result<Option<i64>, ApiError> {
        Ok(due::next(&mut *self.pool.acquire().await?).await?)
    }

    /// Runs the reconciler until the process ends: wakes when something is due or an operation
    /// scheduled a transition.
    pub fn spawn_reconciler(&self) -> tokio::task::JoinHandle<()> {
        let ops = self.clone();
        tokio::spawn(async move {
            // With replicas on PostgreSQL, one of them reconciles; the others stand by and take
            // over within about a second when it goes.
            let mut leadership = crate::store::locks::Leadership::over(&ops.pool);
            loop {
                if !leadership.hold().await {
                    tokio::time::sleep(Duration::from_millis(1000)).await;
                    continue;
                }
                // After a failed step, wait a while before trying it again.
                let floor = match ops.advance_due().await {
                    Ok(_) => 0,
                    Err(e) => {
                        tracing::warn!(error = %e, "reconciler pass incomplete");
                        RETRY_AFTER_FAILURE_MS
                    }
                };
                let wait = match ops.next_due().await {
                    Ok(Some(t)) => (t - ops.clock.now()).clamp(floor, 1000) as u64,
                    _ => 1000,
                };
                if wait > 0 {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(wait)) => {},
                        _ = ops.waker.notified() => {},
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::services::{NewResource, NewService};
    use crate::ops::{Clock, Source};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    async fn status(ops: &Ops, id: &str) -> (ResourceStatus, Option<i64>) {
        let s = sq::get(&mut ops.pool.acquire().await.unwrap(), id)
            .await
            .unwrap()
            .unwrap();
        (s.status, s.due_at)
    }

    /// Moves a service behind the operations' back (as a concurrent operation would).
    async fn force(ops: &Ops, id: &str, status: ResourceStatus, due_at: i64) {
        let mut c = ops.pool.acquire().await.unwrap();
        let mut s = sq::get(&mut c, id).await.unwrap().unwrap();
        (s.status, s.due_at) = (status, Some(due_at));
        sq::update(&mut c, &s).await.unwrap();
    }

    #[tokio::test]
    async fn a_step_checks_its_item_is_still_due_and_in_the_listed_state() {
        let clock = Arc::new(AtomicI64::new(1_800_000_000_000));
        let mut ops = Ops::new(
            crate::store::memory().await,
            crate::events::Bus::new(),
            1_000,
        );
        ops.clock = Clock::Manual(clock.clone());
        let demo = crate::scenario::parse(include_str!("../../scenarios/demo.toml")).unwrap();
        crate::scenario::load(&ops, &demo, false).await.unwrap();
        let me = Ctx::new("1000000000000001", Source::Api);
        let s = ops
            .create_service(
                &me,
                NewService {
                    region_id: "cn-hangzhou".into(),
                    resource_type: Some("slb".into()),
                    resources: vec![NewResource {
                        resource_id: "lb-bp1northwind00000002".into(),
                        resource_type: Some("slb".into()),
                        zone_id: Some("cn-hangzhou-i".into()),
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let now = clock.fetch_add(1_000, Ordering::SeqCst) + 1_000;
        // Listed as due, then rescheduled by an operation before its step ran: left alone.
        force(&ops, &s.id, ResourceStatus::Creating, now + 5000).await;
        assert!(
            !ops.settle_service(&s.id, ResourceStatus::Creating, now)
                .await
                .unwrap()
        );
        assert_eq!(
            status(&ops, &s.id).await,
            (ResourceStatus::Creating, Some(now + 5000))
        );
        // Listed as Creating, moved to Pending meanwhile: left alone too.
        force(&ops, &s.id, ResourceStatus::Pending, now).await;
        assert!(
            !ops.settle_service(&s.id, ResourceStatus::Creating, now)
                .await
                .unwrap()
        );
        assert_eq!(status(&ops, &s.id).await.0, ResourceStatus::Pending);
        // In the state it was listed in and due: it settles, and publishes its event.
        let mut events = ops.bus.subscribe();
        assert!(
            ops.settle_service(&s.id, ResourceStatus::Pending, now)
                .await
                .unwrap()
        );
        assert_eq!(events.try_recv().unwrap().target, s.id);
        assert_eq!(status(&ops, &s.id).await, (ResourceStatus::Active, None));
    }
}
