//! `linkyard-bench --api SECONDS`: signed cloud API calls over real HTTP, next to a ceiling.
//!
//! One load generator for both servers: each client is a task with one keep-alive HTTP/1.1
//! connection that sends V3-signed `POST /?…` requests (a fresh nonce and signature each, like the
//! SDKs) and reads the whole answer before the next. The servers run in this process, each on its
//! own two-worker tokio runtime (what `#[tokio::main]` gives `linkyard serve` on this machine):
//! - the ceiling: a bare axum (hyper) handler answering fixed JSON, no signature check;
//! - Linkyard: the whole application router (`server::router`) over a SQLite file with the demo
//!   scenario, flow control off (its default, 1 000 requests/s per AccessKey, would cap the rows);
//!   twice, with the read cache (`ops::read_cache`) off (every read asks SQLite) and on.
//!
//! - moto, the AWS emulator, when a Python with it is found (see [`moto`]): its EC2 counterparts
//!   of the Get and Update calls, over the same connections and loop.
//!
//! Rows: ListVpcEndpointServices (the provider, one service), GetVpcEndpointAttribute (the
//! consumer, one endpoint) and UpdateVpcEndpointAttribute (a new description each time: a real
//! change with its audit row), at 1 and 32 clients, `SECONDS` each; each as a share of the
//! ceiling and, where moto has a counterpart, as a multiple of moto's rate in the same run.

mod moto;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use linkyard::events::Bus;
use linkyard::openapi::keys::KeyCache;
use linkyard::openapi::sign;
use linkyard::ops::Ops;
use linkyard::ops::read_cache::ReadCache;
use linkyard::server::{AppState, router};
use linkyard::{scenario, store};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const PROVIDER: (&str, &str) = ("LTAI5tNorthwindDemo01", "northwind-secret-0001");
const CONSUMER: (&str, &str) = ("LTAI5tContosoDemo0001", "contoso-secret-00001");
const REGION: &str = "cn-hangzhou";

/// Runs `serve` on a fresh two-worker runtime on its own threads; returns where it listens.
fn spawn_server<F, Fut>(serve: F) -> SocketAddr
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            serve(listener).await;
        });
    });
    rx.recv().expect("server address")
}

pub(crate) async fn serve_app(listener: TcpListener, app: axum::Router) {
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await.expect("serve");
}

/// The ceiling: fixed JSON for every request.
fn ceiling() -> SocketAddr {
    spawn_server(|listener| async move {
        let app = axum::Router::new().fallback(|| async {
            (
                [("content-type", "application/json;charset=utf-8")],
                r#"{"RequestId":"5DE4A4F8-0B8C-4E27-9E47-0E3C4F8A1B2C","Services":[],"MaxResults":50,"NextToken":""}"#,
            )
        });
        serve_app(listener, app).await;
    })
}

/// Linkyard's router over the demo scenario in a temporary SQLite file, with its AccessKey
/// cache on or off.
fn linkyard(read_cache: bool) -> SocketAddr {
    spawn_server(move |listener| async move {
        let dir = std::env::temp_dir().join(format!(
            "linkyard-apibench-{}-{read_cache}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let url = format!("sqlite://{}", dir.join("api.db").display());
        let pool = store::connect(&url).await.expect("db");
        store::migrate(&pool).await.expect("migrate");
        let mut ops = Ops::new(pool, Bus::new(), 0);
        if !read_cache {
            ops.reads = ReadCache::off();
        }
        let demo = scenario::parse(include_str!("../../../scenarios/demo.toml")).expect("demo");
        scenario::load(&ops, &demo, false).await.expect("load");
        ops.spawn_reconciler();
        let state = AppState {
            leptos_options: leptos::prelude::LeptosOptions::builder()
                .output_name("linkyard")
                .build(),
            ops,
            demo_mode: true,
            nonces: Default::default(),
            throttle: std::sync::Arc::new(linkyard::openapi::throttle::Throttle::new(
                linkyard::openapi::throttle::ThrottleConfig {
                    per_second: 0,
                    burst: 0,
                },
            )),
            keys: std::sync::Arc::new(KeyCache::default()),
            scenario: None,
            public_url: None,
        };
        let app = router(state).await.expect("router");
        serve_app(listener, app).await;
    })
}

/// A V3-signed `POST /?<params>` with an empty body, as raw HTTP/1.1.
pub(crate) fn request(
    host: &str,
    (key, secret): (&str, &str),
    action: &str,
    params: &[(String, String)],
) -> Vec<u8> {
    let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("host", host),
        ("x-acs-action", action),
        ("x-acs-version", "2020-04-15"),
        ("x-acs-date", &date),
        ("x-acs-signature-nonce", &nonce),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).expect("header"),
        );
    }
    sign::sign_v3("POST", "/", params, &mut headers, b"", key, secret);
    let mut out = format!("POST /?{} HTTP/1.1\r\n", sign::encode_query(params));
    for (k, v) in &headers {
        out.push_str(k.as_str());
        out.push_str(": ");
        out.push_str(v.to_str().expect("ascii"));
        out.push_str("\r\n");
    }
    out.push_str("content-length: 0\r\n\r\n");
    out.into_bytes()
}

/// One keep-alive connection that reads whole answers (`content-length` or chunked); when the
/// server closes it after an answer (`connection: close`, as moto does), the next call opens a
/// new one, inside that call's time.
pub(crate) struct Conn {
    to: SocketAddr,
    s: TcpStream,
    buf: Vec<u8>,
    closed: bool,
}

async fn connect(to: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(to).await.expect("connect");
    s.set_nodelay(true).expect("nodelay");
    s
}

impl Conn {
    pub(crate) async fn open(to: SocketAddr) -> Self {
        Self {
            to,
            s: connect(to).await,
            buf: Vec::with_capacity(16 * 1024),
            closed: false,
        }
    }

    async fn more(&mut self) {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.s.read(&mut chunk).await.expect("read");
        assert!(n > 0, "the server closed the connection");
        self.buf.extend_from_slice(&chunk[..n]);
    }

    /// Sends `req`; returns the status and the body.
    pub(crate) async fn call(&mut self, req: &[u8]) -> (u16, Vec<u8>) {
        if self.closed {
            self.s = connect(self.to).await;
            self.buf.clear();
            self.closed = false;
        }
        self.s.write_all(req).await.expect("write");
        let head_end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            self.more().await;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_ascii_lowercase();
        let status: u16 = head[9..12].parse().expect("status");
        self.closed = head.lines().any(|l| l.trim() == "connection: close");
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse::<usize>().expect("length"));
        let body = match length {
            Some(n) => {
                while self.buf.len() < head_end + n {
                    self.more().await;
                }
                let body = self.buf[head_end..head_end + n].to_vec();
                self.buf.drain(..head_end + n);
                body
            }
            None => {
                // Chunked: read until the last chunk.
                let mut body = Vec::new();
                let mut at = head_end;
                loop {
                    let line_end = loop {
                        if let Some(i) = self.buf[at..].windows(2).position(|w| w == b"\r\n") {
                            break at + i;
                        }
                        self.more().await;
                    };
                    let size = usize::from_str_radix(
                        String::from_utf8_lossy(&self.buf[at..line_end]).trim(),
                        16,
                    )
                    .expect("chunk size");
                    while self.buf.len() < line_end + 2 + size + 2 {
                        self.more().await;
                    }
                    body.extend_from_slice(&self.buf[line_end + 2..line_end + 2 + size]);
                    at = line_end + 2 + size + 2;
                    if size == 0 {
                        break;
                    }
                }
                self.buf.drain(..at);
                body
            }
        };
        (status, body)
    }
}

/// The API a call is sent in.
#[derive(Clone, Copy)]
pub(crate) enum Wire {
    /// Alibaba Cloud's RPC style, V3-signed (Linkyard, the ceiling).
    Acs,
    /// AWS's EC2 Query API (moto).
    Ec2,
}

/// A call the clients repeat.
#[derive(Clone)]
pub(crate) struct Call {
    pub(crate) who: (&'static str, &'static str),
    pub(crate) action: &'static str,
    pub(crate) params: Vec<(String, String)>,
    /// A parameter sent with a new value on every request (a write that really changes).
    pub(crate) vary: Option<&'static str>,
    pub(crate) wire: Wire,
}

impl Call {
    fn params_now(&self) -> Vec<(String, String)> {
        let mut p = self.params.clone();
        if let Some(name) = self.vary {
            let fresh = uuid::Uuid::new_v4().simple().to_string();
            let value = if name == "PolicyDocument" {
                format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"s{fresh}","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}]}}"#
                )
            } else {
                fresh
            };
            p.push((name.to_string(), value));
        }
        p
    }

    /// The next request of this call to `host`, with fresh varying values (and signature).
    fn request(&self, host: &str) -> Vec<u8> {
        match self.wire {
            Wire::Acs => request(host, self.who, self.action, &self.params_now()),
            Wire::Ec2 => moto::request(host, self.action, &self.params_now()),
        }
    }
}

pub(crate) struct Row {
    pub(crate) rps: f64,
    pub(crate) p50: f64,
    pub(crate) p99: f64,
    pub(crate) failed: usize,
}

/// `clients` clients repeat `call` against `to` for `secs`.
async fn load(to: SocketAddr, call: &Call, clients: usize, secs: f64) -> Row {
    load_across(&[to], call, clients, secs).await
}

/// `clients` clients repeat `call` for `secs`, client `i` against server `i % servers.len()`.
pub(crate) async fn load_across(
    servers: &[SocketAddr],
    call: &Call,
    clients: usize,
    secs: f64,
) -> Row {
    // Warm up: one connection per server, a few calls (the first fills caches and pools).
    for to in servers {
        let host = to.to_string();
        let mut warm = Conn::open(*to).await;
        for _ in 0..20 {
            warm.call(&call.request(&host)).await;
        }
    }
    let start = Instant::now();
    let until = start + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for i in 0..clients {
        let to = servers[i % servers.len()];
        let (call, host) = (call.clone(), to.to_string());
        tasks.push(tokio::spawn(async move {
            let mut c = Conn::open(to).await;
            let mut took = Vec::new();
            let mut failed = 0;
            while Instant::now() < until {
                let req = call.request(&host);
                let t = Instant::now();
                let (status, body) = c.call(&req).await;
                took.push(t.elapsed());
                if status != 200 {
                    if failed == 0 {
                        eprintln!(
                            "  first refusal: {status} {}",
                            String::from_utf8_lossy(&body)
                        );
                    }
                    failed += 1;
                }
            }
            (took, failed)
        }));
    }
    let mut all = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (took, f) = t.await.expect("client");
        all.extend(took);
        failed += f;
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    Row {
        rps: all.len() as f64 / elapsed,
        p50: pct(0.5),
        p99: pct(0.99),
        failed,
    }
}

pub(crate) fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Runs the API figures, `secs` seconds per row.
pub async fn run(secs: f64) {
    println!(
        "\nCloud API over HTTP (signed V3, keep-alive, one connection per client; {secs} s per row)"
    );
    let ceiling = ceiling();
    let servers = [("read cache off", linkyard(false)), ("", linkyard(true))];
    let mut calls = Vec::new();
    for (_, server) in &servers {
        calls.push(calls_for(*server).await);
    }
    let moto = moto::start().await;
    let moto_calls = match &moto {
        Some(m) => Some(moto::calls(m).await),
        None => None,
    };
    println!(
        "  {:<56} {:>7} {:>10} {:>8} {:>8} {:>9} {:>8}",
        "server / call", "clients", "req/s", "p50 ms", "p99 ms", "% ceiling", "x moto"
    );
    for clients in [1, 32] {
        let top = load(ceiling, &calls[0][0], clients, secs).await;
        print_row("ceiling (fixed JSON)", clients, &top, top.rps, None);
        // moto's rate for Linkyard's calls 1 (Get) and 2 (Update), measured first.
        let mut moto_rps = [None; 3];
        if let (Some(m), Some(mc)) = (&moto, &moto_calls) {
            for (i, call) in mc.iter().enumerate() {
                let r = load(m.addr, call, clients, secs).await;
                print_row(&format!("moto {}", call.action), clients, &r, top.rps, None);
                moto_rps[i + 1] = Some(r.rps);
            }
        }
        for ((variant, server), calls) in servers.iter().zip(&calls) {
            for (i, call) in calls.iter().enumerate() {
                let r = load(*server, call, clients, secs).await;
                let label = if variant.is_empty() {
                    format!("Linkyard {}", call.action)
                } else {
                    format!("Linkyard {} ({variant})", call.action)
                };
                print_row(&label, clients, &r, top.rps, moto_rps[i]);
            }
        }
    }
}

/// One row of the table: the figures, the share of the ceiling and the multiple of moto's rate.
fn print_row(label: &str, clients: usize, r: &Row, ceiling: f64, moto: Option<f64>) {
    println!(
        "  {:<56} {:>7} {:>10.0} {:>8.2} {:>8.2} {:>7.0} % {:>8}{}",
        label,
        clients,
        r.rps,
        r.p50,
        r.p99,
        r.rps / ceiling * 100.0,
        moto.map_or_else(String::new, |m| format!("{:.1}x", r.rps / m)),
        if r.failed > 0 {
            format!("  ({} answered other than 200)", r.failed)
        } else {
            String::new()
        }
    );
}

/// Creates Contoso's endpoint on the orders service through `server`; its id.
pub(crate) async fn create_endpoint(server: SocketAddr) -> String {
    let host = server.to_string();
    let mut c = Conn::open(server).await;
    let (status, body) = c
        .call(&request(
            &host,
            CONSUMER,
            "CreateVpcEndpoint",
            &pairs(&[
                ("RegionId", REGION),
                ("ServiceId", "epsrv-bp1northwindorders01"),
                ("VpcId", "vpc-bp1contoso0000000001"),
                ("SecurityGroupId.1", "sg-bp1contoso00000000001"),
                ("Zone.1.ZoneId", "cn-hangzhou-h"),
                ("Zone.1.VSwitchId", "vsw-bp1contoso000000000h"),
                ("EndpointName", "bench"),
            ]),
        ))
        .await;
    let created: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(status, 200, "CreateVpcEndpoint: {created}");
    created["EndpointId"]
        .as_str()
        .expect("EndpointId")
        .to_owned()
}

/// The calls measured against `server` (creating the endpoint the second and third use).
async fn calls_for(server: SocketAddr) -> [Call; 3] {
    let endpoint = create_endpoint(server).await;
    [
        Call {
            who: PROVIDER,
            action: "ListVpcEndpointServices",
            params: pairs(&[("RegionId", REGION)]),
            vary: None,
            wire: Wire::Acs,
        },
        Call {
            who: CONSUMER,
            action: "GetVpcEndpointAttribute",
            params: pairs(&[("RegionId", REGION), ("EndpointId", &endpoint)]),
            vary: None,
            wire: Wire::Acs,
        },
        Call {
            who: CONSUMER,
            action: "UpdateVpcEndpointAttribute",
            params: pairs(&[("RegionId", REGION), ("EndpointId", &endpoint)]),
            vary: Some("EndpointDescription"),
            wire: Wire::Acs,
        },
    ]
}
