//! The TCP proxy: one listening socket per (zone ENI local address, listener port) that serves,
//! forwarding to the listener's backend through the zone's token buckets. Removing a socket
//! closes every connection it accepted.

use super::throttle::Bucket;
use super::traffic::{Traffic, ZoneKey, ZoneStats};
use crate::domain::dataplane::{
    ZoneState, bytes_per_second, eni_local_ip, proxied_endpoint_type, zone_rate_mbps,
};
use crate::domain::inventory::LbType;
use crate::store::dataplane::ProxyRow;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How long connecting to a backend may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// One zone ENI: a bucket per direction, shared by all its connections, and its counters.
pub struct ZoneLink {
    pub up: Bucket,
    pub down: Bucket,
    pub stats: Arc<ZoneStats>,
}

impl ZoneLink {
    fn set_rate(&self, bps: u64) {
        if self.up.rate() != bps {
            self.up.set_rate(bps);
            self.down.set_rate(bps);
        }
        self.stats.limit_bps.store(bps, Ordering::Relaxed);
    }
}

/// What one listening socket should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub zone: ZoneKey,
    pub backend: SocketAddr,
    pub bytes_per_second: u64,
}

/// Turns the plan rows into the routes that serve now, by local socket address. Rows of zones
/// that do not serve, of endpoint types the proxy does not carry, or without a usable address or
/// backend, are left out.
pub fn routes(plan: &[ProxyRow]) -> HashMap<SocketAddr, Route> {
    let mut out = HashMap::new();
    for r in plan {
        let state = ZoneState {
            connection_status: Some(r.connection_status),
            zone_status: r.zone_status,
            healthy: r.healthy,
            outage: r.outage,
        };
        let (Some(ip), Ok(port), Ok(backend)) = (
            r.local_seq.and_then(eni_local_ip),
            u16::try_from(r.port),
            r.backend.parse::<SocketAddr>(),
        ) else {
            continue;
        };
        if !state.serves() || !proxied_endpoint_type(&r.endpoint_type) {
            continue;
        }
        let lb = LbType::parse(&r.resource_type).unwrap_or(LbType::Clb);
        let mbps = zone_rate_mbps(
            lb,
            r.traffic_control_mode,
            r.bandwidth,
            r.endpoint_created_at,
            r.zone_max_override,
        );
        out.insert(
            SocketAddr::new(IpAddr::V4(ip), port),
            Route {
                zone: (r.endpoint_id.clone(), r.zone_id.clone()),
                backend,
                bytes_per_second: bytes_per_second(mbps),
            },
        );
    }
    out
}

struct Active {
    route: Route,
    accept: tokio::task::JoinHandle<()>,
    /// Dropped (or sent to) to cut every connection accepted here.
    _cut: watch::Sender<()>,
}

impl Drop for Active {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// The proxy's sockets and zone links.
pub struct Proxy {
    traffic: Traffic,
    listeners: HashMap<SocketAddr, Active>,
    zones: HashMap<ZoneKey, Arc<ZoneLink>>,
    /// Sockets that could not be bound: warned once, retried on every reconcile.
    failed: HashSet<SocketAddr>,
}

impl Proxy {
    pub fn new(traffic: Traffic) -> Self {
        Self {
            traffic,
            listeners: HashMap::new(),
            zones: HashMap::new(),
            failed: HashSet::new(),
        }
    }

    /// The (local address, backend) pairs being served now, sorted.
    pub fn serving(&self) -> Vec<(SocketAddr, SocketAddr)> {
        let mut v: Vec<_> = self
            .listeners
            .iter()
            .map(|(a, l)| (*a, l.route.backend))
            .collect();
        v.sort();
        v
    }

    /// Brings the sockets in line with `plan`.
    pub async fn reconcile(&mut self, plan: Vec<ProxyRow>) {
        let want = routes(&plan);
        // Counters live while the zone has listeners (serving or not), so charts show the drop.
        let known: HashSet<ZoneKey> = plan
            .iter()
            .map(|r| (r.endpoint_id.clone(), r.zone_id.clone()))
            .collect();
        self.traffic.retain(|k| known.contains(k));
        // Stop what no longer serves, or serves elsewhere (closing its connections). The accept
        // task is awaited, so its socket is closed before the address may be bound again.
        let stale: Vec<SocketAddr> = self
            .listeners
            .iter()
            .filter(|(addr, a)| {
                !want
                    .get(*addr)
                    .is_some_and(|r| r.zone == a.route.zone && r.backend == a.route.backend)
            })
            .map(|(addr, _)| *addr)
            .collect();
        for addr in stale {
            if let Some(mut a) = self.listeners.remove(&addr) {
                a.accept.abort();
                let _ = (&mut a.accept).await;
            }
        }
        let serving_zones: HashSet<&ZoneKey> = want.values().map(|r| &r.zone).collect();
        self.zones.retain(|k, _| serving_zones.contains(k));
        for r in want.values() {
            let link = self.zones.entry(r.zone.clone()).or_insert_with(|| {
                Arc::new(ZoneLink {
                    up: Bucket::new(r.bytes_per_second),
                    down: Bucket::new(r.bytes_per_second),
                    stats: self.traffic.zone(&r.zone),
                })
            });
            link.set_rate(r.bytes_per_second);
        }
        for (zone, stats) in known.iter().map(|k| (k, self.traffic.zone(k))) {
            if !serving_zones.contains(zone) {
                stats.limit_bps.store(0, Ordering::Relaxed);
            }
        }
        self.failed.retain(|a| want.contains_key(a));
        for (addr, route) in want {
            if self.listeners.contains_key(&addr) {
                continue;
            }
            let link = self.zones[&route.zone].clone();
            match TcpListener::bind(addr).await {
                Ok(listener) => {
                    self.failed.remove(&addr);
                    let (cut, _) = watch::channel(());
                    let accept =
                        tokio::spawn(accept_loop(listener, route.backend, link, cut.subscribe()));
                    self.listeners.insert(
                        addr,
                        Active {
                            route,
                            accept,
                            _cut: cut,
                        },
                    );
                }
                Err(e) => {
                    if self.failed.insert(addr) {
                        tracing::warn!(%addr, zone = ?route.zone, error = %e, "cannot listen on an endpoint zone address");
                    }
                }
            }
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    backend: SocketAddr,
    link: Arc<ZoneLink>,
    cut: watch::Receiver<()>,
) {
    loop {
        match listener.accept().await {
            Ok((client, _)) => {
                tokio::spawn(serve(client, backend, link.clone(), cut.clone()));
            }
            Err(e) => {
                tracing::debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// Counts an open connection for as long as it lives.
struct Open(Arc<ZoneLink>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.stats.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn serve(
    client: TcpStream,
    backend: SocketAddr,
    link: Arc<ZoneLink>,
    mut cut: watch::Receiver<()>,
) {
    link.stats.connections.fetch_add(1, Ordering::Relaxed);
    let _open = Open(link.clone());
    let server = tokio::select! {
        r = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(backend)) => match r {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                tracing::debug!(%backend, error = %e, "backend refused");
                return;
            }
            Err(_) => return,
        },
        _ = cut.changed() => return,
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    // Both directions borrow both sockets (tokio allows a reader and a writer at once); they are
    // closed when this function returns.
    let up = pump(&client, &server, &link.up, &link.stats.bytes_in);
    let down = pump(&server, &client, &link.down, &link.stats.bytes_out);
    tokio::select! {
        _ = async { tokio::join!(up, down) } => {}
        // The zone stopped serving: drop both sockets now.
        _ = cut.changed() => {}
    }
}

/// Copies one direction through `bucket`, counting bytes, until end of stream (then half-closes
/// `to`) or an error. On Linux the bytes move through a pipe with `splice(2)`, never through user
/// space; where that is not available, through a buffer.
async fn pump(from: &TcpStream, to: &TcpStream, bucket: &Bucket, counter: &AtomicU64) {
    #[cfg(target_os = "linux")]
    {
        // The pipe is made at the first byte, so idle connections hold none.
        if from.readable().await.is_err() {
            return;
        }
        if !copy_forced()
            && let Ok(pipe) = super::splice::Pipe::new()
        {
            loop {
                let n = match pipe.fill(from, bucket.chunk()).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                throttle(bucket, n).await;
                if pipe.drain(to, n).await.is_err() {
                    return;
                }
                counter.fetch_add(n as u64, Ordering::Relaxed);
            }
            shutdown_write(to);
            return;
        }
    }
    let mut buf = vec![0u8; super::throttle::MAX_CHUNK];
    loop {
        let chunk = bucket.chunk();
        let n = match read(from, &mut buf[..chunk]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        throttle(bucket, n).await;
        if write_all(to, &buf[..n]).await.is_err() {
            return;
        }
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }
    shutdown_write(to);
}

/// `LINKYARD_PROXY_COPY=1` makes the proxy copy through a user-space buffer instead of
/// `splice(2)` (to compare the two; read once).
#[cfg(target_os = "linux")]
fn copy_forced() -> bool {
    static FORCED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *FORCED.get_or_init(|| std::env::var("LINKYARD_PROXY_COPY").is_ok_and(|v| v == "1"))
}

/// Charges `n` bytes to `bucket`, waiting until the rate allows them.
async fn throttle(bucket: &Bucket, n: usize) {
    let wait = bucket.take(n);
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
}

async fn read(s: &TcpStream, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        s.readable().await?;
        match s.try_read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            r => return r,
        }
    }
}

async fn write_all(s: &TcpStream, mut buf: &[u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        s.writable().await?;
        match s.try_write(buf) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Half-closes `s` for writing, so the peer reads end of stream while the other direction goes on.
fn shutdown_write(s: &TcpStream) {
    use std::os::fd::AsRawFd;
    // SAFETY: a plain shutdown(2) on a descriptor `s` keeps open; a failure (the peer is gone)
    // is of no interest.
    unsafe {
        libc::shutdown(s.as_raw_fd(), libc::SHUT_WR);
    }
}
