//! `linkyard-bench --dataplane`: the data plane on loopback. Proxied TCP throughput next to direct
//! loopback, the latency a proxied round trip adds, 1 000 concurrent proxied connections, and DNS
//! queries per second.
//!
//! Throughput, latency and concurrency drive `dataplane::proxy::Proxy` directly with one route
//! (an Interface endpoint zone, Connected, in BandwidthLimit mode at an operator grant of
//! 1 000 000 Mbit/s, so the throttle never binds), the proxy on a two-worker runtime of its own
//! (as in `linkyard serve`, a process apart from client and backend), direct and proxied runs
//! alternating five times; plus one run through a full data plane at the NLB elastic bandwidth
//! (10 Gbit/s). With iperf3 on `PATH`, the throughput is also measured the standard way, client
//! and server processes of their own, directly, through the proxy and (with haproxy on `PATH`)
//! through HAProxy as a reference proxy (see `iperf`). DNS runs the real server over a store with
//! the demo scenario and one connected endpoint.

mod iperf;

use linkyard::dataplane::proxy::Proxy;
use linkyard::dataplane::traffic::Traffic;
use linkyard::dataplane::{AnswerMode, Config, Dataplane};
use linkyard::domain::dataplane::eni_local_ip;
use linkyard::events::Bus;
use linkyard::ops::endpoints::{NewEndpoint, NewZone};
use linkyard::ops::{Ctx, Ops, Source};
use linkyard::store::dataplane::ProxyRow;
use linkyard::{scenario, store};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

const PORT: u16 = 18_443;

fn route(seq: i64, backend: SocketAddr) -> ProxyRow {
    ProxyRow {
        endpoint_id: format!("ep-bench{seq:015}"),
        zone_id: "cn-hangzhou-h".into(),
        local_seq: Some(seq),
        endpoint_type: "Interface".into(),
        endpoint_created_at: 0,
        connection_status: linkyard::domain::state::ConnectionStatus::Connected,
        bandwidth: 1_000_000,
        traffic_control_mode: linkyard::domain::state::TrafficMode::BandwidthLimit,
        zone_max_override: Some(1_000_000),
        zone_status: linkyard::domain::state::ZoneStatus::Connected,
        healthy: true,
        outage: false,
        resource_type: "nlb".into(),
        lb_id: "nlb-bench".into(),
        port: PORT.into(),
        backend: backend.to_string(),
    }
}

fn eni(seq: i64) -> SocketAddr {
    SocketAddr::new(eni_local_ip(seq).expect("address").into(), PORT)
}

async fn sink() -> (SocketAddr, Arc<AtomicU64>) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    let total = Arc::new(AtomicU64::new(0));
    let t = total.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let t = t.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 256 * 1024];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    t.fetch_add(n as u64, Ordering::Relaxed);
                }
            });
        }
    });
    (addr, total)
}

async fn echo() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let _ = s.set_nodelay(true);
                let (mut r, mut w) = s.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    addr
}

/// Mbit/s one connection pushes to `to` (whose bytes `counted` counts) over `secs`.
async fn throughput(to: SocketAddr, counted: &AtomicU64, secs: f64) -> f64 {
    let mut s = TcpStream::connect(to).await.expect("connect");
    let writer = tokio::spawn(async move {
        let buf = vec![0u8; 256 * 1024];
        while s.write_all(&buf).await.is_ok() {}
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start = (counted.load(Ordering::Relaxed), Instant::now());
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    let bytes = counted.load(Ordering::Relaxed) - start.0;
    let took = start.1.elapsed().as_secs_f64();
    writer.abort();
    bytes as f64 * 8.0 / 1e6 / took
}

/// Round-trip times of `n` 64-byte echoes on one connection to `to`, sorted.
async fn round_trips(to: SocketAddr, n: usize) -> Vec<Duration> {
    let mut s = TcpStream::connect(to).await.expect("connect");
    s.set_nodelay(true).expect("nodelay");
    let msg = [7u8; 64];
    let mut back = [0u8; 64];
    let mut took = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        s.write_all(&msg).await.expect("write");
        s.read_exact(&mut back).await.expect("read");
        took.push(t.elapsed());
    }
    took.sort();
    took
}

fn pct(v: &[Duration], p: f64) -> f64 {
    v[((v.len() as f64 * p) as usize).min(v.len() - 1)].as_secs_f64() * 1e6
}

/// Opens `n` connections through `to` at once, each echoing once while all are open.
async fn concurrent(to: SocketAddr, n: usize) -> (usize, Duration) {
    let start = Instant::now();
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n {
        conns.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(to).await.ok()?;
            s.write_all(b"hello").await.ok()?;
            let mut b = [0u8; 5];
            s.read_exact(&mut b).await.ok()?;
            Some(s)
        }));
    }
    let mut open = Vec::new();
    for c in conns {
        if let Ok(Some(s)) = c.await {
            open.push(s);
        }
    }
    (open.len(), start.elapsed())
}

async fn demo_store() -> (Ops, String) {
    let dir = std::env::temp_dir().join(format!("linkyard-dpbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let url = format!("sqlite://{}", dir.join("dp.db").display());
    let pool = store::connect(&url).await.expect("db");
    store::migrate(&pool).await.expect("migrate");
    let ops = Ops::new(pool, Bus::new(), 0);
    let demo = scenario::parse(include_str!("../../../scenarios/demo.toml")).expect("demo");
    scenario::load(&ops, &demo, false).await.expect("load");
    let consumer = Ctx::new("1000000000000002", Source::Api);
    let ep = ops
        .create_endpoint(
            &consumer,
            NewEndpoint {
                region_id: "cn-hangzhou".into(),
                vpc_id: "vpc-bp1contoso0000000001".into(),
                service_id: Some("epsrv-bp1northwindorders01".into()),
                security_group_ids: vec!["sg-bp1contoso00000000001".into()],
                zones: vec![NewZone {
                    zone_id: "cn-hangzhou-h".into(),
                    vswitch_id: "vsw-bp1contoso000000000h".into(),
                    ip: None,
                }],
                name: "bench".into(),
                ..Default::default()
            },
        )
        .await
        .expect("endpoint");
    for _ in 0..3 {
        ops.advance_due().await.expect("settle");
    }
    ops.accept_connection(
        &Ctx::new("1000000000000001", Source::Api),
        "epsrv-bp1northwindorders01",
        &ep.id,
        None,
        None,
    )
    .await
    .expect("accept");
    for _ in 0..3 {
        ops.advance_due().await.expect("settle");
    }
    let domain = ops
        .get_endpoint(&consumer, &ep.id)
        .await
        .expect("get")
        .domain;
    (ops, domain)
}

/// Queries per second `clients` UDP clients get from `server` for `name` over `secs`.
async fn dns_qps(server: SocketAddr, name: &str, clients: usize, secs: f64) -> (f64, usize) {
    use hickory_server::proto::op::{Message, MessageType, OpCode, Query};
    use hickory_server::proto::rr::{Name, RecordType};
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let name = Name::from_ascii(name).expect("name");
        tasks.push(tokio::spawn(async move {
            let sock = UdpSocket::bind("127.0.0.1:0").await.expect("udp");
            sock.connect(server).await.expect("connect");
            let (mut ok, mut answered) = (0usize, 0usize);
            let mut buf = vec![0u8; 1500];
            let mut id = (c * 1000) as u16;
            while Instant::now() < until {
                id = id.wrapping_add(1);
                let mut m = Message::new(id, MessageType::Query, OpCode::Query);
                m.add_query(Query::query(name.clone(), RecordType::A));
                sock.send(&m.to_vec().expect("encode")).await.expect("send");
                if let Ok(Ok(n)) =
                    tokio::time::timeout(Duration::from_millis(500), sock.recv(&mut buf)).await
                    && let Ok(r) = Message::from_vec(&buf[..n])
                {
                    ok += 1;
                    answered += usize::from(!r.answers.is_empty());
                }
            }
            (ok, answered)
        }));
    }
    let (mut ok, mut answered) = (0, 0);
    for t in tasks {
        let (o, a) = t.await.expect("client");
        ok += o;
        answered += a;
    }
    (ok as f64 / start.elapsed().as_secs_f64(), answered)
}

/// The proxy on a two-worker runtime of its own (as `linkyard serve` runs it, in another process
/// than the client and the backend), serving `routes` until dropped.
struct OwnRuntimeProxy {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl OwnRuntimeProxy {
    fn start(routes: Vec<ProxyRow>) -> Self {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("proxy runtime");
            rt.block_on(async move {
                let mut proxy = Proxy::new(Traffic::default());
                proxy.reconcile(routes).await;
                ready_tx.send(()).expect("ready");
                let _ = stopped.await;
                drop(proxy);
            });
        });
        ready_rx.recv().expect("proxy started");
        Self {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for OwnRuntimeProxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The median of `v` (which it sorts).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// iperf3 directly, through Linkyard's proxy (route 60 003) and through HAProxy when there is
/// one, alternating five times; prints the medians and each proxy's median share of direct.
async fn iperf_rounds(server: SocketAddr, secs: f64) {
    const ROUNDS: usize = 5;
    let secs = (secs.round() as u64).max(2) + 1;
    let haproxy = iperf::haproxy(server).await;
    let (mut direct, mut linkyard, mut reference) = (Vec::new(), Vec::new(), Vec::new());
    let (mut linkyard_share, mut reference_share) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (Some(d), Some(l)) = (
            iperf::client(server, secs).await,
            iperf::client(eni(60_003), secs).await,
        ) else {
            println!("  (an iperf3 run failed; iperf3 rows left out)");
            return;
        };
        direct.push(d);
        linkyard.push(l);
        linkyard_share.push(l / d * 100.0);
        if let Some((_, at)) = &haproxy
            && let Some(h) = iperf::client(*at, secs).await
        {
            reference.push(h);
            reference_share.push(h / d * 100.0);
        }
    }
    let runs = |v: &[f64]| {
        v.iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let shares = runs(&linkyard_share);
    println!(
        "  iperf3, one connection ({secs} s, first left out), direct loopback : {:>9.0} Mbit/s (median of {ROUNDS})",
        median(&mut direct)
    );
    println!(
        "  iperf3 through Linkyard's proxy : {:>9.0} Mbit/s, median {:.0} % of direct (runs {shares} %)",
        median(&mut linkyard),
        median(&mut linkyard_share)
    );
    if !reference.is_empty() {
        let shares = runs(&reference_share);
        println!(
            "  iperf3 through HAProxy (TCP, splice, 2 threads) : {:>9.0} Mbit/s, median {:.0} % of direct (runs {shares} %)",
            median(&mut reference),
            median(&mut reference_share)
        );
    }
}

/// Runs the data-plane figures, `secs` seconds per throughput and DNS figure.
pub async fn run(secs: f64) {
    println!("\nData plane (loopback; {secs} s per throughput and DNS figure)");
    let (sink_addr, sunk) = sink().await;
    let echo_addr = echo().await;
    let iperf_server = iperf::server().await;
    let mut routes = vec![route(60_001, sink_addr), {
        let mut r = route(60_002, echo_addr);
        r.zone_id = "cn-hangzhou-i".into();
        r
    }];
    if let Some((_, addr)) = &iperf_server {
        let mut r = route(60_003, *addr);
        r.zone_id = "cn-hangzhou-j".into();
        routes.push(r);
    }
    let proxy = OwnRuntimeProxy::start(routes);
    // Direct and proxied alternate, so both see the same machine; loopback throughput swings
    // between runs on a VM, the ratio of neighbouring runs much less.
    const PAIRS: usize = 5;
    let (mut directs, mut proxieds, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..PAIRS {
        let d = throughput(sink_addr, &sunk, secs).await;
        let p = throughput(eni(60_001), &sunk, secs).await;
        directs.push(d);
        proxieds.push(p);
        ratios.push(p / d * 100.0);
    }
    let shown: Vec<String> = ratios.iter().map(|r| format!("{r:.0}")).collect();
    let direct = median(&mut directs);
    let proxied = median(&mut proxieds);
    println!(
        "  TCP throughput, one connection, direct loopback : {direct:>9.0} Mbit/s (median of {PAIRS}; in-process client and sink)"
    );
    println!(
        "  TCP throughput, one connection, proxied         : {proxied:>9.0} Mbit/s (median of {PAIRS})"
    );
    println!(
        "  proxied / direct, neighbouring runs: median {:.0} % (runs {} %)",
        median(&mut ratios),
        shown.join(", ")
    );

    if let Some((_server, addr)) = &iperf_server {
        iperf_rounds(*addr, secs).await;
    }

    let n = 5_000;
    let d = round_trips(echo_addr, n).await;
    let p = round_trips(eni(60_002), n).await;
    println!(
        "  64-byte echo round trip, direct  : p50 {:>6.1} µs, p99 {:>6.1} µs ({n} round trips)",
        pct(&d, 0.5),
        pct(&d, 0.99)
    );
    println!(
        "  64-byte echo round trip, proxied : p50 {:>6.1} µs, p99 {:>6.1} µs (adds {:.1} µs at p50)",
        pct(&p, 0.5),
        pct(&p, 0.99),
        pct(&p, 0.5) - pct(&d, 0.5)
    );

    let (open, took) = concurrent(eni(60_002), 1_000).await;
    println!(
        "  1 000 concurrent proxied connections: {open} open and echoed, in {:.0} ms",
        took.as_secs_f64() * 1e3
    );
    drop(proxy);

    let (ops, domain) = demo_store().await;
    let dp = Dataplane::start(
        &ops,
        Config {
            dns_addr: Some("127.0.0.1:0".parse().expect("addr")),
            answer: AnswerMode::Local,
            proxy: true,
            max_vpc_resolvers: 16,
        },
    )
    .await
    .expect("data plane");
    // Through the full data plane, at the NLB's elastic 10 Gbit/s.
    let provider = Ctx::new("1000000000000001", Source::Api);
    ops.set_listener(
        &provider,
        "nlb-bp1northwind0000001",
        PORT.into(),
        "TCP",
        &sink_addr.to_string(),
    )
    .await
    .expect("listener");
    let mut waited = 0;
    let through = |dp: &Dataplane| dp.serving().into_iter().find(|(_, b)| *b == sink_addr);
    while through(&dp).is_none() && waited < 100 {
        dp.reconcile_now();
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
    }
    if let Some((local, _)) = through(&dp) {
        let elastic = throughput(local, &sunk, secs).await;
        println!(
            "  TCP throughput through `serve`'s data plane (NLB elastic 10 Gbit/s): {elastic:.0} Mbit/s ({:.0} % of direct)",
            elastic / direct * 100.0
        );
    }
    let server = dp.dns_addr().expect("dns");
    for clients in [1, 16] {
        let (qps, answered) = dns_qps(server, &domain, clients, secs).await;
        println!(
            "  DNS A queries for an endpoint domain, {clients:>2} UDP client(s): {qps:>8.0} queries/s ({answered} answered with records)"
        );
    }
}
