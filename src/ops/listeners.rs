//! Load-balancer listeners: the TCP port a load balancer listens on and the backend that answers
//! behind it. The data plane proxies each endpoint zone ENI's traffic on these ports; its traffic
//! counters are read here too.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::dataplane::{ListenerView, TrafficView, check_listener};
use crate::store::dataplane::{self as dq, ListenerRow};
use crate::store::inventory::{self as inv, LoadBalancerRow};
use serde_json::json;

fn view(l: ListenerRow) -> ListenerView {
    ListenerView {
        lb_id: l.lb_id,
        port: l.port as u16,
        protocol: l.protocol,
        backend: l.backend,
    }
}

impl Ops {
    async fn own_lb(
        &self,
        c: &mut crate::store::Conn,
        ctx: &Ctx,
        lb_id: &str,
    ) -> Result<LoadBalancerRow, ApiError> {
        match inv::load_balancer(c, lb_id).await? {
            Some(l) if l.account_id == ctx.account_id => Ok(l),
            _ => Err(ApiError::load_balancer_not_found(lb_id)),
        }
    }

    /// The live traffic of an endpoint's zone ENIs, for its owner or the service's owner.
    pub async fn endpoint_traffic(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
    ) -> Result<TrafficView, ApiError> {
        let mut c = self.pool.acquire().await?;
        let e = crate::store::endpoints::get(&mut c, endpoint_id)
            .await?
            .ok_or_else(ApiError::endpoint_not_found)?;
        let provider = crate::store::services::get(&mut c, &e.service_id)
            .await?
            .map(|s| s.account_id);
        if e.account_id != ctx.account_id && provider.as_deref() != Some(ctx.account_id.as_str()) {
            return Err(ApiError::endpoint_not_found());
        }
        Ok(TrafficView {
            endpoint_id: e.id.clone(),
            zones: self.traffic.endpoint(&e.id),
        })
    }

    /// Starts (`on`) or stops the Demo page's traffic generator for an endpoint of an account
    /// signed in to the session: a built-in backend behind each listener and a client per zone
    /// ENI. Returns whether it runs now. Refused without a listener to send to.
    pub async fn demo_traffic(
        &self,
        access: &super::faults::DemoAccess,
        endpoint_id: &str,
        on: bool,
    ) -> Result<bool, ApiError> {
        self.require_demo_tools()?;
        let mut c = self.pool.acquire().await?;
        let e = crate::store::endpoints::get(&mut c, endpoint_id)
            .await?
            .ok_or_else(ApiError::endpoint_not_found)?;
        self.authorize_demo_account_tool(access, &e.account_id)?;
        if !on {
            self.generators.stop(&e.id);
            return Ok(false);
        }
        let targets: Vec<_> = dq::proxy_plan(&mut c)
            .await?
            .into_iter()
            .filter(|r| r.endpoint_id == e.id)
            .filter_map(|r| {
                let ip = r
                    .local_seq
                    .and_then(crate::domain::dataplane::eni_local_ip)?;
                let port = u16::try_from(r.port).ok()?;
                Some((
                    std::net::SocketAddr::new(ip.into(), port),
                    r.backend.parse().ok()?,
                ))
            })
            .collect();
        if targets.is_empty() {
            return Err(ApiError::no_listener_to_send_to());
        }
        self.generators.start(&e.id, targets);
        Ok(true)
    }

    /// The listeners of every load balancer the caller owns.
    pub async fn my_listeners(&self, ctx: &Ctx) -> Result<Vec<ListenerView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        Ok(dq::listeners_of_account(&mut c, &ctx.account_id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// Creates the listener on `port` of the caller's load balancer, or changes its backend.
    pub async fn set_listener(
        &self,
        ctx: &Ctx,
        lb_id: &str,
        port: i64,
        protocol: &str,
        backend: &str,
    ) -> Result<ListenerView, ApiError> {
        let (port, addr) = check_listener(port, protocol, backend)?;
        self.change(
            ctx,
            async |tx| {
                let lb = self.own_lb(tx, ctx, lb_id).await?;
                let before = dq::listeners(tx, lb_id)
                    .await?
                    .into_iter()
                    .find(|l| l.port == i64::from(port));
                Ok((lb, before))
            },
            async |tx, (lb, before)| {
                let row = ListenerRow {
                    lb_id: lb.id.clone(),
                    port: port.into(),
                    protocol: "TCP".into(),
                    backend: addr.to_string(),
                    created_at: before
                        .as_ref()
                        .map_or_else(|| self.clock.now(), |b| b.created_at),
                };
                dq::upsert_listener(tx, &row).await?;
                let change = Change {
                    topic: "inventory",
                    action: if before.is_some() {
                        "UpdateListener"
                    } else {
                        "CreateListener"
                    },
                    target: lb.id,
                    region_id: lb.region_id,
                    summary: format!("TCP listener {port} → {}", row.backend),
                    before: before.map(|b| json!({"port": port, "backend": b.backend})),
                    after: Some(json!({"port": port, "backend": row.backend})),
                    audience: vec![],
                };
                Ok(Done::with(view(row), change))
            },
        )
        .await
    }

    /// Deletes the listener on `port` of the caller's load balancer (live connections through it
    /// are closed by the data plane).
    pub async fn delete_listener(&self, ctx: &Ctx, lb_id: &str, port: i64) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let lb = self.own_lb(tx, ctx, lb_id).await?;
                let Some(before) = dq::listeners(tx, lb_id)
                    .await?
                    .into_iter()
                    .find(|l| l.port == port)
                else {
                    return Err(ApiError::listener_not_found(lb_id, port));
                };
                Ok((lb, before))
            },
            async |tx, (lb, before)| {
                dq::delete_listener(tx, lb_id, port).await?;
                Ok(Done::new(Change {
                    topic: "inventory",
                    action: "DeleteListener",
                    target: lb.id,
                    region_id: lb.region_id,
                    summary: format!("TCP listener {port} removed"),
                    before: Some(json!({"port": port, "backend": before.backend})),
                    after: None,
                    audience: vec![],
                }))
            },
        )
        .await
    }
}
