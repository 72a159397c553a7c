//! Two `linkyard serve` replicas on one PostgreSQL database behave like one server: a console
//! session opened on one is valid on the other, a change through one shows live on the other's
//! event stream within a second, a ClientToken retry sent to the other answers the first answer, a
//! signature nonce used on one is refused by the other, a replica whose event listener was cut off
//! ends its open streams (so browsers refetch) and hears the other again, and when the replica running the
//! reconciler is killed with `kill -9` in the middle of transitions, the other one finishes them.
//!
//! Needs `LINKYARD_TEST_POSTGRES` (the admin URL of a throwaway server; `scripts/test.sh` starts
//! one). Without it the test says so and checks nothing.
#![cfg(feature = "ssr")]

#[path = "common/db.rs"]
mod db;
#[path = "common/server.rs"]
mod server;

use axum::http::{HeaderMap, HeaderValue};
use serde_json::Value;
use server::*;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const ORDERS: &str = "epsrv-bp1northwindorders01";
/// Shared by both replicas (a PostgreSQL store refuses to start without one).
const SEAL_KEY: &str = "bGlua3lhcmQtdGVzdC1zZWFsLWtleS0zMi1ieXRlcyE=";
const DELAY_MS: u64 = 1500;

fn start_pair(dir: &std::path::Path) -> Option<(Server, Server)> {
    let Some(admin) = db::postgres_admin() else {
        eprintln!(
            "LINKYARD_TEST_POSTGRES is not set: the two-replica test needs PostgreSQL (scripts/test.sh starts one)"
        );
        return None;
    };
    let url = db::new_postgres_database(&admin);
    let env = [("LINKYARD_SEAL_KEY", SEAL_KEY)];
    let a = Server::start(dir, &url, DELAY_MS, &env);
    let b = Server::start(dir, &url, DELAY_MS, &env);
    Some((a, b))
}

fn ok(addr: &str, who: (&str, &str), action: &str, params: &[(String, String)]) -> Value {
    let (status, body) = call(addr, who, action, params).unwrap();
    assert_eq!(status, 200, "{action} on {addr}: {body}");
    body
}

/// Changes the orders service's description through `addr` (a change every replica hears of).
fn describe_orders(addr: &str, description: &str) {
    ok(
        addr,
        NORTHWIND,
        "UpdateVpcEndpointServiceAttribute",
        &pairs(&[
            ("RegionId", "cn-hangzhou"),
            ("ServiceId", ORDERS),
            ("ServiceDescription", description),
        ]),
    );
}

fn endpoint_status(addr: &str, id: &str) -> String {
    let body = ok(
        addr,
        CONTOSO,
        "GetVpcEndpointAttribute",
        &pairs(&[("RegionId", "cn-hangzhou"), ("EndpointId", id)]),
    );
    body["EndpointStatus"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Signs in on the console of `addr`; the session cookie (`name=value`).
fn sign_in(addr: &str, (id, password): (&str, &str)) -> String {
    let mut h = HeaderMap::new();
    h.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    h.insert("accept", HeaderValue::from_static("application/json"));
    let body = format!("form%5Baccount_id%5D={id}&form%5Bpassword%5D={password}");
    let (status, head, text) =
        http_full(addr, "POST", "/api/sign_in", &h, body.as_bytes()).unwrap();
    assert_eq!(status, 200, "sign in on {addr}: {text}");
    head.lines()
        .find_map(|l| {
            let lower = l.to_ascii_lowercase();
            lower.starts_with("set-cookie:").then(|| {
                l["set-cookie:".len()..]
                    .trim()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_string()
            })
        })
        .expect("a session cookie")
}

/// Opens `GET /events` on `addr` with `cookie`; a reader of its lines.
fn open_events(addr: &str, cookie: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        s,
        "GET /events HTTP/1.1\r\nhost: {addr}\r\ncookie: {cookie}\r\naccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    BufReader::new(s)
}

/// Reads the stream until a line containing `needle`, for at most `within`.
fn wait_for_line(r: &mut BufReader<TcpStream>, needle: &str, within: Duration) -> Option<String> {
    let deadline = Instant::now() + within;
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) if line.contains(needle) => return Some(line),
            _ => {}
        }
    }
    None
}

/// Whether the stream ends (its last chunk, or the connection closes) within `within`.
fn stream_ends(r: &mut BufReader<TcpStream>, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        match r.read_line(&mut line) {
            Ok(0) => return true,
            Ok(_) if line == "0\r\n" => return true,
            _ => {}
        }
    }
    false
}

#[test]
fn two_replicas_on_one_postgres_behave_like_one_server() {
    let dir = tempfile::tempdir().unwrap();
    let Some((a, b)) = start_pair(dir.path()) else {
        return;
    };

    // A console session opened on A is valid on B.
    let cookie = sign_in(&a.addr, ("1000000000000001", "northwind-demo"));
    let mut h = HeaderMap::new();
    h.insert("cookie", HeaderValue::from_str(&cookie).unwrap());
    h.insert("accept", HeaderValue::from_static("application/json"));
    h.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let (status, body) = http(&b.addr, "POST", "/api/session", &h, b"").unwrap();
    assert_eq!(status, 200, "the session is not known on B: {body}");
    assert!(
        body.contains("1000000000000001"),
        "B sees another session: {body}"
    );

    // A change through A's API reaches B's event stream within a second.
    let mut events = open_events(&b.addr, &cookie);
    assert!(wait_for_line(&mut events, "200 OK", Duration::from_secs(5)).is_some());
    let description = format!("replicated {}", uuid::Uuid::new_v4().simple());
    let sent = Instant::now();
    describe_orders(&a.addr, &description);
    let line = wait_for_line(&mut events, ORDERS, Duration::from_secs(3));
    let took = sent.elapsed();
    assert!(
        line.is_some(),
        "B's event stream did not show the change made through A"
    );
    assert!(
        took < Duration::from_secs(1),
        "the change took {took:?} to reach B"
    );
    eprintln!("a change through A reached B's event stream in {took:?}");

    // The listeners lose their connections: B cannot know what it missed, so it ends its open
    // streams (the browser reconnects and refetches), and events flow again after it re-listens.
    let admin = db::postgres_admin().unwrap();
    let killed = std::process::Command::new("psql")
        .args([&admin, "-qAt", "-c"])
        .arg("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")
        .output()
        .unwrap();
    let n = String::from_utf8_lossy(&killed.stdout).trim().to_string();
    assert!(
        n.parse::<u32>().unwrap_or(0) >= 2,
        "expected both replicas' listeners, killed {n}"
    );
    assert!(
        stream_ends(&mut events, Duration::from_secs(10)),
        "B's event stream went on after its listener was cut off (events were silently missed)"
    );
    let mut events = open_events(&b.addr, &cookie);
    assert!(wait_for_line(&mut events, "200 OK", Duration::from_secs(5)).is_some());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let again = format!("replicated again {}", uuid::Uuid::new_v4().simple());
        describe_orders(&a.addr, &again);
        if wait_for_line(&mut events, ORDERS, Duration::from_secs(1)).is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "events did not reach B again after the listeners reconnected"
        );
    }

    // A ClientToken retry sent to the other replica answers the first answer.
    let token = uuid::Uuid::new_v4().to_string();
    let first = ok(
        &a.addr,
        CONTOSO,
        "CreateVpcEndpoint",
        &endpoint_params("replica-token", &token),
    );
    let again = ok(
        &b.addr,
        CONTOSO,
        "CreateVpcEndpoint",
        &endpoint_params("replica-token", &token),
    );
    assert_eq!(
        first["EndpointId"], again["EndpointId"],
        "the retry on B created another endpoint"
    );

    // A nonce used on A is refused by B.
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let list = pairs(&[("RegionId", "cn-hangzhou")]);
    let (status, _) = call_with_nonce(&a.addr, CONTOSO, "ListVpcEndpoints", &list, &nonce).unwrap();
    assert_eq!(status, 200);
    let (status, body) =
        call_with_nonce(&b.addr, CONTOSO, "ListVpcEndpoints", &list, &nonce).unwrap();
    assert_eq!(
        body["Code"], "SignatureNonceUsed",
        "B accepted a replayed nonce ({status}): {body}"
    );

    // A runs the reconciler (it started first); kill it in the middle of transitions.
    let leads = |addr: &str| {
        let (_, _, metrics) = http_full(addr, "GET", "/metrics", &HeaderMap::new(), b"").unwrap();
        metrics
            .lines()
            .any(|l| l.starts_with("linkyard_reconciler_leader") && l.ends_with(" 1"))
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !leads(&a.addr) {
        assert!(Instant::now() < deadline, "A does not lead the reconciler");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!leads(&b.addr), "B leads the reconciler as well as A");
    let ids: Vec<String> = (0..3)
        .map(|i| {
            let body = ok(
                &b.addr,
                CONTOSO,
                "CreateVpcEndpoint",
                &endpoint_params(
                    &format!("replica-kill-{i}"),
                    &uuid::Uuid::new_v4().to_string(),
                ),
            );
            body["EndpointId"].as_str().unwrap().to_string()
        })
        .collect();
    for id in &ids {
        assert_eq!(endpoint_status(&b.addr, id), "Creating");
    }
    a.kill9();
    let killed = Instant::now();
    let deadline = killed + Duration::from_secs(15);
    loop {
        let pending: Vec<_> = ids
            .iter()
            .filter(|id| endpoint_status(&b.addr, id) == "Creating")
            .collect();
        if pending.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "B did not finish the transitions A left: {pending:?} still Creating"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "B finished the killed leader's transitions {:?} after the kill (transition delay {DELAY_MS} ms)",
        killed.elapsed()
    );
    drop(b);
}

#[test]
fn limits_hold_for_all_replicas_together() {
    let Some(admin) = db::postgres_admin() else {
        eprintln!("LINKYARD_TEST_POSTGRES is not set: the two-replica test needs PostgreSQL");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = db::new_postgres_database(&admin);
    let env = [
        ("LINKYARD_SEAL_KEY", SEAL_KEY),
        ("LINKYARD_API_RATE", "2"),
        ("LINKYARD_API_BURST", "6"),
    ];
    let a = Server::start(dir.path(), &url, 0, &env);
    let b = Server::start(dir.path(), &url, 0, &env);

    // The API's flow control: one bucket per AccessKey for both replicas, not one each.
    let list = pairs(&[("RegionId", "cn-hangzhou")]);
    let started = Instant::now();
    let mut accepted = 0;
    for i in 0..16 {
        let addr = if i % 2 == 0 { &a.addr } else { &b.addr };
        let (status, body) = call(addr, FABRIKAM, "ListVpcEndpoints", &list).unwrap();
        match status {
            200 => accepted += 1,
            _ => assert_eq!(body["Code"], "Throttling.User", "{body}"),
        }
    }
    let refill = (started.elapsed().as_secs_f64() * 2.0).ceil() as usize;
    assert!(
        accepted <= 6 + refill,
        "{accepted} of 16 requests passed a burst of 6 (+{refill} refilled) through two replicas"
    );

    // Console sign-in: failures on A and B count together (5 free per account, then a lock).
    let mut h = HeaderMap::new();
    h.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    h.insert("accept", HeaderValue::from_static("application/json"));
    let mut statuses = Vec::new();
    for i in 0..6 {
        let addr = if i % 2 == 0 { &a.addr } else { &b.addr };
        let body = "form%5Baccount_id%5D=1000000000000003&form%5Bpassword%5D=wrong-guess";
        let (status, _) = http(addr, "POST", "/api/sign_in", &h, body.as_bytes()).unwrap();
        statuses.push(status);
    }
    assert_eq!(
        statuses.last(),
        Some(&429),
        "the sixth wrong password through two replicas was not throttled: {statuses:?}"
    );
}
