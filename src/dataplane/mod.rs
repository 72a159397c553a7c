//! The data plane: an authoritative DNS server for the generated names and a TCP proxy per endpoint
//! zone ENI, throttled to the connection's bandwidth. Loopback addresses only.
//!
//! A controller follows the model: on every live event (and every few seconds, in case events were
//! missed) it re-reads the desired state through `store::dataplane` — which VPC resolvers exist,
//! which (ENI address, port) pairs serve and where they lead, at what rate — and reconciles the
//! sockets with it. Closing a listener closes the connections it accepted.

pub mod dns;
pub mod generator;
pub mod proxy;
#[cfg(target_os = "linux")]
mod splice;
pub mod throttle;
pub mod traffic;

use crate::domain::dataplane::vpc_resolver_ip;
use crate::ops::Ops;
use crate::store::dataplane as dq;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// Which addresses DNS answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnswerMode {
    /// The ENIs' local loopback addresses, where the proxy listens (default).
    #[default]
    Local,
    /// The modelled vSwitch IPs (IPv4 and IPv6), as the cloud would answer.
    Modelled,
}

/// How the data plane runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the default DNS view listens (UDP and TCP); `None` turns DNS off. Port 0 picks one.
    pub dns_addr: Option<SocketAddr>,
    pub answer: AnswerMode,
    /// Proxy TCP through the zone ENIs' local addresses.
    pub proxy: bool,
    /// At most this many VPC resolvers are bound (the oldest VPCs first).
    pub max_vpc_resolvers: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            dns_addr: Some(SocketAddr::from(([127, 0, 0, 1], 5353))),
            answer: AnswerMode::Local,
            proxy: true,
            max_vpc_resolvers: 1024,
        }
    }
}

/// A running data plane; dropping it stops DNS, the proxy and every proxied connection.
pub struct Dataplane {
    dns_addr: Option<SocketAddr>,
    task: tokio::task::JoinHandle<()>,
    _dns: Option<hickory_server::Server<dns::Handler>>,
    sampler: tokio::task::JoinHandle<()>,
    /// Reconciles now (tests and callers that changed the store behind the bus's back).
    kick: Arc<tokio::sync::Notify>,
    serving: Serving,
}

/// What the proxy serves after the last reconcile: (local address, backend) pairs.
type Serving = Arc<std::sync::Mutex<Vec<(SocketAddr, SocketAddr)>>>;

impl Drop for Dataplane {
    fn drop(&mut self) {
        self.task.abort();
        self.sampler.abort();
    }
}

impl Dataplane {
    /// Binds the default DNS view (failing with one line when it cannot) and starts the
    /// controller.
    pub async fn start(ops: &Ops, config: Config) -> Result<Self, String> {
        let (dns, dns_addr) = match config.dns_addr {
            Some(addr) => {
                let handler = dns::Handler {
                    pool: ops.pool.clone(),
                    view: None,
                    mode: config.answer,
                };
                let (server, bound) = dns::serve(addr, handler).await.map_err(|e| {
                    format!("cannot serve DNS on {addr}: {e} (choose another with --dns-addr, or --no-dns)")
                })?;
                (Some(server), Some(bound))
            }
            None => (None, None),
        };
        let kick = Arc::new(tokio::sync::Notify::new());
        let serving = Serving::default();
        let controller = Controller {
            serving: serving.clone(),
            ops: ops.clone(),
            config,
            dns_port: dns_addr.map(|a| a.port()),
            resolvers: HashMap::new(),
            failed: Default::default(),
            proxy: proxy::Proxy::new(ops.traffic.clone()),
        };
        let task = tokio::spawn(controller.run(kick.clone()));
        let (traffic, clock) = (ops.traffic.clone(), ops.clock.clone());
        let sampler = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                traffic.sample(clock.now());
            }
        });
        if let Some(a) = dns_addr {
            tracing::info!(addr = %a, "DNS for PrivateLink names");
        }
        Ok(Self {
            dns_addr,
            task,
            _dns: dns,
            sampler,
            kick,
            serving,
        })
    }

    /// The address the default DNS view listens on.
    pub fn dns_addr(&self) -> Option<SocketAddr> {
        self.dns_addr
    }

    /// Asks the controller to reconcile now.
    pub fn reconcile_now(&self) {
        self.kick.notify_one();
    }

    /// The (local address, backend) pairs the proxy serves now.
    pub fn serving(&self) -> Vec<(SocketAddr, SocketAddr)> {
        self.serving.lock().expect("serving poisoned").clone()
    }
}

struct Controller {
    ops: Ops,
    config: Config,
    dns_port: Option<u16>,
    /// VPC id → its resolver's server (dropping one stops it).
    resolvers: HashMap<String, (IpAddr, hickory_server::Server<dns::Handler>)>,
    /// Resolver addresses that could not be bound (warned once).
    failed: std::collections::HashSet<(String, IpAddr)>,
    proxy: proxy::Proxy,
    serving: Serving,
}

impl Controller {
    async fn run(mut self, kick: Arc<tokio::sync::Notify>) {
        let mut events = self.ops.bus.subscribe();
        loop {
            if let Err(e) = self.reconcile().await {
                tracing::warn!(error = %e, "data plane reconcile failed; retrying");
            }
            tokio::select! {
                ev = events.recv() => match ev {
                    Ok(_) | Err(RecvError::Lagged(_)) => {
                        // Coalesce a burst of events into one reconcile (at most 50 a second).
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        while let Ok(_) | Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) =
                            events.try_recv()
                        {}
                    }
                    Err(RecvError::Closed) => return,
                },
                _ = kick.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            }
        }
    }

    async fn reconcile(&mut self) -> Result<(), sqlx::Error> {
        if let Some(port) = self.dns_port {
            self.reconcile_resolvers(port).await?;
        }
        if self.config.proxy {
            let plan = {
                let mut c = self.ops.pool.acquire().await?;
                dq::proxy_plan(&mut c).await?
            };
            self.proxy.reconcile(plan).await;
            *self.serving.lock().expect("serving poisoned") = self.proxy.serving();
        }
        Ok(())
    }

    async fn reconcile_resolvers(&mut self, port: u16) -> Result<(), sqlx::Error> {
        let want: HashMap<String, IpAddr> = {
            let mut c = self.ops.pool.acquire().await?;
            dq::vpc_resolvers(&mut c, self.config.max_vpc_resolvers as i64)
                .await?
                .into_iter()
                .filter_map(|(vpc, seq)| vpc_resolver_ip(seq).map(|ip| (vpc, IpAddr::V4(ip))))
                .collect()
        };
        self.resolvers
            .retain(|vpc, (ip, _)| want.get(vpc).is_some_and(|w| w == ip));
        for (vpc, ip) in want {
            if self.resolvers.contains_key(&vpc) || self.failed.contains(&(vpc.clone(), ip)) {
                continue;
            }
            let handler = dns::Handler {
                pool: self.ops.pool.clone(),
                view: Some(vpc.clone()),
                mode: self.config.answer,
            };
            match dns::serve(SocketAddr::new(ip, port), handler).await {
                Ok((server, _)) => {
                    self.resolvers.insert(vpc, (ip, server));
                }
                Err(e) => {
                    tracing::warn!(%vpc, %ip, port, error = %e, "cannot serve this VPC's DNS view");
                    self.failed.insert((vpc, ip));
                }
            }
        }
        Ok(())
    }
}
