//! Data-plane test kit: a demo store with a connected two-zone endpoint to Northwind's orders
//! service and a running data plane; a raw DNS client (UDP and TCP); TCP backends.
#![allow(dead_code)]

use super::{CONSUMER, PROVIDER, TestApp, demo_app};
use hickory_server::proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_server::proto::rr::{Name, RData, RecordType};
use linkyard::dataplane::{AnswerMode, Config, Dataplane};
use linkyard::domain::model::ZoneView;
use linkyard::ops::endpoints::{NewEndpoint, NewZone};
use linkyard::ops::services::{NewResource, NewService};
use linkyard::ops::{Ctx, Ops, Source};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};

pub const ORDERS: &str = "epsrv-bp1northwindorders01";
pub const LB: &str = "nlb-bp1northwind0000001";
pub const H: &str = "cn-hangzhou-h";
pub const I: &str = "cn-hangzhou-i";

/// Zone ENI addresses are the same in every test's store: tests that bind them take turns.
pub static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub fn consumer() -> Ctx {
    Ctx::new(CONSUMER.0, Source::Console)
}

pub fn provider() -> Ctx {
    Ctx::new(PROVIDER.0, Source::Console)
}

pub async fn settle(ops: &Ops) {
    for _ in 0..5 {
        ops.advance_due().await.unwrap();
    }
}

pub fn endpoint_in_two_zones() -> NewEndpoint {
    NewEndpoint {
        region_id: "cn-hangzhou".into(),
        vpc_id: "vpc-bp1contoso0000000001".into(),
        service_id: Some(ORDERS.into()),
        security_group_ids: vec!["sg-bp1contoso00000000001".into()],
        zones: [
            (H, "vsw-bp1contoso000000000h"),
            (I, "vsw-bp1contoso000000000i"),
        ]
        .into_iter()
        .map(|(z, v)| NewZone {
            zone_id: z.into(),
            vswitch_id: v.into(),
            ip: None,
        })
        .collect(),
        name: "orders".into(),
        ..Default::default()
    }
}

/// A demo store with a Connected endpoint in zones h and i, and a data plane on a free DNS port.
pub struct Rig {
    pub app: TestApp,
    pub dp: Dataplane,
    pub endpoint: String,
    pub domain: String,
    pub zones: Vec<ZoneView>,
}

impl Rig {
    pub async fn new(answer: AnswerMode) -> Self {
        let mut app = demo_app().await;
        app.ops.demo_tools = true;
        let ops = &app.ops;
        let ep = ops
            .create_endpoint(&consumer(), endpoint_in_two_zones())
            .await
            .unwrap();
        settle(ops).await;
        ops.accept_connection(&provider(), ORDERS, &ep.id, None, None)
            .await
            .unwrap();
        settle(ops).await;
        let zones = ops.list_zones(&consumer(), &ep.id).await.unwrap();
        let dp = Dataplane::start(
            ops,
            Config {
                dns_addr: Some("127.0.0.1:0".parse().unwrap()),
                answer,
                proxy: true,
                max_vpc_resolvers: 64,
            },
        )
        .await
        .unwrap();
        Self {
            endpoint: ep.id.clone(),
            domain: ops.get_endpoint(&consumer(), &ep.id).await.unwrap().domain,
            app,
            dp,
            zones,
        }
    }

    pub fn ops(&self) -> &Ops {
        &self.app.ops
    }

    pub fn dns(&self) -> SocketAddr {
        self.dp.dns_addr().unwrap()
    }

    pub fn zone(&self, zone: &str) -> &ZoneView {
        self.zones.iter().find(|z| z.zone_id == zone).unwrap()
    }

    /// The local address of `zone` and `port`.
    pub fn eni(&self, zone: &str, port: u16) -> SocketAddr {
        SocketAddr::new(
            self.zone(zone).local_ip.as_ref().unwrap().parse().unwrap(),
            port,
        )
    }

    /// Points the orders NLB's listener on `port` at `backend` and waits until zone h serves it.
    pub async fn listen(&self, port: u16, backend: SocketAddr) {
        self.ops()
            .set_listener(&provider(), LB, port.into(), "TCP", &backend.to_string())
            .await
            .unwrap();
        self.serves(self.eni(H, port), backend).await;
    }

    /// Waits until the proxy serves `eni` with `backend`.
    pub async fn serves(&self, eni: SocketAddr, backend: SocketAddr) {
        self.dp.reconcile_now();
        assert!(
            eventually(|| async move { self.dp.serving().contains(&(eni, backend)) }).await,
            "the proxy serves {eni} → {backend}: {:?}",
            self.dp.serving()
        );
    }

    /// A CLB service of Northwind's in zone h (CLB connections enforce their bandwidth limit),
    /// with a listener on `port` → `backend`, and a Connected endpoint of Contoso's to it.
    /// Returns the service id, the endpoint id and the zone ENI's local `port` address.
    pub async fn clb_endpoint(
        &self,
        port: u16,
        backend: SocketAddr,
    ) -> (String, String, SocketAddr) {
        let ops = self.ops();
        let clb = "lb-bp1northwind00000001";
        let svc = ops
            .create_service(
                &provider(),
                NewService {
                    region_id: "cn-hangzhou".into(),
                    auto_accept: true,
                    resource_type: Some("slb".into()),
                    resources: vec![NewResource {
                        resource_id: clb.into(),
                        resource_type: None,
                        zone_id: Some(H.into()),
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        settle(ops).await;
        ops.add_whitelist(&provider(), &svc.id, Some(CONSUMER.0), None, "")
            .await
            .unwrap();
        ops.set_listener(&provider(), clb, port.into(), "TCP", &backend.to_string())
            .await
            .unwrap();
        let mut n = endpoint_in_two_zones();
        n.service_id = Some(svc.id.clone());
        n.zones.truncate(1);
        let ep = ops.create_endpoint(&consumer(), n).await.unwrap();
        settle(ops).await;
        let z = &ops.list_zones(&consumer(), &ep.id).await.unwrap()[0];
        let eni = SocketAddr::new(z.local_ip.as_ref().unwrap().parse().unwrap(), port);
        (svc.id, ep.id, eni)
    }
}

/// Polls `check` every 20 ms for up to 15 s (a hang guard for a loaded machine, not a timing assertion).
pub async fn eventually<F, Fut>(check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A DNS answer: the code, the addresses, the authoritative flag and the TTLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub code: ResponseCode,
    pub addrs: Vec<IpAddr>,
    pub authoritative: bool,
    pub ttls: Vec<u32>,
}

fn query_bytes(name: &str, t: RecordType) -> (u16, Vec<u8>) {
    let id = rand_id();
    let mut m = Message::new(id, MessageType::Query, OpCode::Query);
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(Name::from_ascii(name).unwrap(), t));
    (id, m.to_vec().unwrap())
}

fn rand_id() -> u16 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed) as u16
}

fn parse(id: u16, bytes: &[u8]) -> Answer {
    let m = Message::from_vec(bytes).unwrap();
    assert_eq!(m.metadata.id, id);
    let mut addrs: Vec<IpAddr> = m
        .answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(IpAddr::V4(a.0)),
            RData::AAAA(a) => Some(IpAddr::V6(a.0)),
            _ => None,
        })
        .collect();
    addrs.sort();
    Answer {
        code: m.metadata.response_code,
        addrs,
        authoritative: m.metadata.authoritative,
        ttls: m.answers.iter().map(|r| r.ttl).collect(),
    }
}

/// Asks `server` over UDP (retrying a lost datagram), or `None` when nothing answers.
pub async fn ask_udp(server: SocketAddr, name: &str, t: RecordType) -> Option<Answer> {
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (id, q) = query_bytes(name, t);
    for _ in 0..3 {
        if sock.send_to(&q, server).await.is_err() {
            continue;
        }
        let mut buf = vec![0u8; 4096];
        if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_secs(1), sock.recv(&mut buf)).await {
            return Some(parse(id, &buf[..n]));
        }
    }
    None
}

/// Asks `server` over TCP (two-byte length prefix), or `None` when nothing answers.
pub async fn ask_tcp(server: SocketAddr, name: &str, t: RecordType) -> Option<Answer> {
    let mut s = TcpStream::connect(server).await.ok()?;
    let (id, q) = query_bytes(name, t);
    s.write_all(&(q.len() as u16).to_be_bytes()).await.ok()?;
    s.write_all(&q).await.ok()?;
    let mut len = [0u8; 2];
    s.read_exact(&mut len).await.ok()?;
    let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
    s.read_exact(&mut buf).await.ok()?;
    Some(parse(id, &buf))
}

/// Asks over UDP and TCP, checks both answer the same, and returns the answer.
pub async fn ask(server: SocketAddr, name: &str, t: RecordType) -> Answer {
    let udp = ask_udp(server, name, t)
        .await
        .unwrap_or_else(|| panic!("no UDP answer from {server} for {name}"));
    let tcp = ask_tcp(server, name, t)
        .await
        .unwrap_or_else(|| panic!("no TCP answer from {server} for {name}"));
    assert_eq!(udp, tcp, "UDP and TCP agree on {name}");
    udp
}

/// A TCP echo server on a free loopback port.
pub async fn echo_backend() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = s.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    addr
}

/// A backend that reads and counts every connection's bytes: reports how many arrived in the
/// `window` that starts with the first byte (connections that send nothing do not count).
pub async fn sink_backend(window: Duration) -> (SocketAddr, tokio::sync::oneshot::Receiver<u64>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let total = Arc::new(AtomicU64::new(0));
    let first = Arc::new(tokio::sync::Notify::new());
    let (t, f) = (total.clone(), first.clone());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let (t, f) = (t.clone(), f.clone());
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = s.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    if t.fetch_add(n as u64, Ordering::Relaxed) == 0 {
                        f.notify_one();
                    }
                }
            });
        }
    });
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        first.notified().await;
        let start = total.load(Ordering::Relaxed);
        tokio::time::sleep(window).await;
        let _ = tx.send(total.load(Ordering::Relaxed) - start);
    });
    (addr, rx)
}

/// Writes zeros to `to` until the task is aborted or the connection fails.
pub async fn blast(to: SocketAddr) -> tokio::task::JoinHandle<()> {
    let mut s = TcpStream::connect(to).await.unwrap();
    tokio::spawn(async move {
        let buf = vec![0u8; 64 * 1024];
        while s.write_all(&buf).await.is_ok() {}
    })
}

/// An open connection through the proxy to an echo backend, checked with one round trip.
pub async fn echo_connection(to: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(to).await.unwrap();
    s.write_all(b"ping").await.unwrap();
    let mut got = [0u8; 4];
    s.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"ping");
    s
}

/// True once `s` is closed by the other side (EOF or reset); false if it stays open for 5 s.
pub async fn is_cut(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 16];
    matches!(
        tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

/// True once new connections to `to` are refused (within 5 s).
pub async fn refuses(to: SocketAddr) -> bool {
    eventually(|| async move { TcpStream::connect(to).await.is_err() }).await
}
