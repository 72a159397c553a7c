//! Crash recovery with the real binary: a write load through the cloud API (V3-signed requests
//! over a socket), `kill -9` of the server in the middle of it, a restart on the same SQLite file.
//! Every write the clients saw acknowledged is there (in the audit log and in the objects), no
//! change is half applied (the invariants of the affected objects hold, and a ClientToken row
//! exists exactly when its change does), retries with the same ClientToken never create twice,
//! and the transitions pending at the kill finish after the restart.
#![cfg(feature = "ssr")]

#[path = "common/server.rs"]
mod server;

use linkyard::store::{Db, DbPool};
use serde_json::Value;
use server::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const ORDERS: &str = "epsrv-bp1northwindorders01";
const DELAY_MS: u64 = 1500;

/// A write the client saw answered with 200.
#[derive(Debug, Clone)]
struct Acked {
    action: String,
    request_id: String,
    /// The object it created or changed.
    target: String,
}

/// A create sent with a ClientToken: its parameters (for the retry) and, when answered, its id.
#[derive(Debug, Clone)]
struct Create {
    name: String,
    params: Vec<(String, String)>,
    endpoint_id: Option<String>,
}

#[derive(Debug, Default)]
struct Outcome {
    acked: Vec<Acked>,
    creates: Vec<Create>,
    /// Service descriptions sent, in order, with whether each was acknowledged.
    descriptions: Vec<(String, bool)>,
}

/// Consumer load: endpoints with a ClientToken each, until stopped or the server is gone.
fn consumer(addr: String, thread: usize, stop: Arc<AtomicBool>, acks: Arc<AtomicUsize>) -> Outcome {
    let mut out = Outcome::default();
    for i in 0..90 {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let name = format!("crash-{thread}-{i}");
        let params = endpoint_params(&name, &format!("tok-{thread}-{i}"));
        out.creates.push(Create {
            name,
            params: params.clone(),
            endpoint_id: None,
        });
        match call(&addr, CONTOSO, "CreateVpcEndpoint", &params) {
            Ok((200, json)) => {
                let id = json["EndpointId"].as_str().unwrap().to_string();
                out.creates.last_mut().unwrap().endpoint_id = Some(id.clone());
                out.acked.push(Acked {
                    action: "CreateVpcEndpoint".into(),
                    request_id: json["RequestId"].as_str().unwrap().into(),
                    target: id,
                });
                acks.fetch_add(1, Ordering::SeqCst);
            }
            Ok((status, json)) => panic!("CreateVpcEndpoint refused ({status}): {json}"),
            Err(_) => break, // the server is gone; this create's outcome is unknown
        }
    }
    out
}

/// Provider load: accept waiting connections, whitelist accounts, edit the service.
fn provider(addr: String, stop: Arc<AtomicBool>, acks: Arc<AtomicUsize>) -> Outcome {
    let mut out = Outcome::default();
    let mut i = 0u64;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let list = call(
            &addr,
            NORTHWIND,
            "ListVpcEndpointConnections",
            &pairs(&[
                ("RegionId", "cn-hangzhou"),
                ("ServiceId", ORDERS),
                ("ConnectionStatus", "Disconnected"),
                ("MaxResults", "5"),
            ]),
        );
        let Ok((200, list)) = list else { break };
        for c in list["Connections"].as_array().cloned().unwrap_or_default() {
            let ep = c["EndpointId"].as_str().unwrap().to_string();
            match call(
                &addr,
                NORTHWIND,
                "EnableVpcEndpointConnection",
                &pairs(&[
                    ("RegionId", "cn-hangzhou"),
                    ("ServiceId", ORDERS),
                    ("EndpointId", &ep),
                    ("Bandwidth", "1024"),
                ]),
            ) {
                Ok((200, json)) => {
                    out.acked.push(Acked {
                        action: "EnableVpcEndpointConnection".into(),
                        request_id: json["RequestId"].as_str().unwrap().into(),
                        target: ep,
                    });
                    acks.fetch_add(1, Ordering::SeqCst);
                }
                Ok(_) => {} // e.g. the endpoint is still being created: not a write
                Err(_) => return out,
            }
        }
        let user = format!("{}", 1_200_000_000_000_000u64 + i);
        match call(
            &addr,
            NORTHWIND,
            "AddUserToVpcEndpointService",
            &pairs(&[
                ("RegionId", "cn-hangzhou"),
                ("ServiceId", ORDERS),
                ("UserId", &user),
            ]),
        ) {
            Ok((200, json)) => out.acked.push(Acked {
                action: "AddUserToVpcEndpointService".into(),
                request_id: json["RequestId"].as_str().unwrap().into(),
                target: user,
            }),
            Ok((status, json)) => panic!("AddUser refused ({status}): {json}"),
            Err(_) => break,
        }
        let description = format!("orders, edit {i}");
        out.descriptions.push((description.clone(), false));
        match call(
            &addr,
            NORTHWIND,
            "UpdateVpcEndpointServiceAttribute",
            &pairs(&[
                ("RegionId", "cn-hangzhou"),
                ("ServiceId", ORDERS),
                ("ServiceDescription", &description),
            ]),
        ) {
            Ok((200, json)) => {
                out.descriptions.last_mut().unwrap().1 = true;
                out.acked.push(Acked {
                    action: "UpdateVpcEndpointServiceAttribute".into(),
                    request_id: json["RequestId"].as_str().unwrap().into(),
                    target: ORDERS.into(),
                });
            }
            Ok((status, json)) => panic!("Update refused ({status}): {json}"),
            Err(_) => break,
        }
    }
    out
}

async fn count(pool: &DbPool, sql: &str) -> i64 {
    sqlx::query_scalar::<Db, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Transitions still to run (rows with a due time).
async fn pending(pool: &DbPool) -> i64 {
    count(
        pool,
        "SELECT (SELECT COUNT(*) FROM endpoint_services WHERE due_at IS NOT NULL)
              + (SELECT COUNT(*) FROM endpoints WHERE due_at IS NOT NULL)
              + (SELECT COUNT(*) FROM connections WHERE due_at IS NOT NULL)
              + (SELECT COUNT(*) FROM endpoint_zones WHERE due_at IS NOT NULL)
              + (SELECT COUNT(*) FROM endpoint_security_groups WHERE due_at IS NOT NULL)",
    )
    .await
}

/// No half-applied change: every endpoint is whole, every address belongs to a zone, and a
/// ClientToken row exists exactly when the change it guards does.
async fn check_invariants(pool: &DbPool) {
    let zero = [
        // Each endpoint has its connection, at least one zone and a security group.
        "SELECT COUNT(*) FROM endpoints e WHERE NOT EXISTS (SELECT 1 FROM connections k WHERE k.endpoint_id = e.id)",
        "SELECT COUNT(*) FROM endpoints e WHERE NOT EXISTS (SELECT 1 FROM endpoint_zones z WHERE z.endpoint_id = e.id)",
        "SELECT COUNT(*) FROM endpoints e WHERE NOT EXISTS (SELECT 1 FROM endpoint_security_groups g WHERE g.endpoint_id = e.id)",
        // Each zone's address is allocated to its ENI, and no ENI address is left without a zone.
        "SELECT COUNT(*) FROM endpoint_zones z WHERE NOT EXISTS (SELECT 1 FROM ip_allocations a
            WHERE a.vswitch_id = z.vswitch_id AND a.ip = z.ip AND a.owner_id = z.eni_id)",
        "SELECT COUNT(*) FROM ip_allocations a WHERE a.owner_kind = 'eni'
            AND NOT EXISTS (SELECT 1 FROM endpoint_zones z WHERE z.eni_id = a.owner_id)",
        // Each connection belongs to an endpoint of the service it names.
        "SELECT COUNT(*) FROM connections k JOIN endpoints e ON e.id = k.endpoint_id WHERE e.service_id <> k.service_id",
        // A ClientToken row commits with its change: its request wrote the audit row too …
        "SELECT COUNT(*) FROM idempotency i WHERE NOT EXISTS (SELECT 1 FROM audit_events a
            WHERE a.request_id = i.request_id AND a.action = i.action)",
        // … and every create (all carry a token) has its token's row.
        "SELECT COUNT(*) FROM audit_events a WHERE a.action = 'CreateVpcEndpoint' AND a.source = 'api'
            AND NOT EXISTS (SELECT 1 FROM idempotency i WHERE i.request_id = a.request_id)",
        // Each API create in the audit log made an endpoint that is still there.
        "SELECT COUNT(*) FROM audit_events a WHERE a.action = 'CreateVpcEndpoint'
            AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = a.target)",
        // No endpoint name was created twice.
        "SELECT COUNT(*) FROM (SELECT name FROM endpoints WHERE name LIKE 'crash-%' GROUP BY name HAVING COUNT(*) > 1)",
    ];
    for sql in zero {
        assert_eq!(count(pool, sql).await, 0, "invariant broken: {sql}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_write_and_finishes_its_transitions() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(dir.path(), "crash.db");
    let server = Server::start(dir.path(), &url, DELAY_MS, &[]);
    let addr = server.addr.clone();

    // The load: two consumers creating endpoints, one provider accepting and editing.
    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for t in 0..2 {
        let (addr, stop, acks) = (addr.clone(), stop.clone(), acks.clone());
        workers.push(std::thread::spawn(move || consumer(addr, t, stop, acks)));
    }
    {
        let (addr, stop, acks) = (addr.clone(), stop.clone(), acks.clone());
        workers.push(std::thread::spawn(move || provider(addr, stop, acks)));
    }
    // Kill it mid-load, once some creates and accepts were answered.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acks.load(Ordering::SeqCst) < 30 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    server.kill9();
    stop.store(true, Ordering::SeqCst);
    let outcomes: Vec<Outcome> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    let acked: Vec<&Acked> = outcomes.iter().flat_map(|o| &o.acked).collect();
    let creates: Vec<&Create> = outcomes.iter().flat_map(|o| &o.creates).collect();
    assert!(
        acked.len() >= 30,
        "too few writes before the kill: {}",
        acked.len()
    );

    // The file as the kill left it: some transitions were still pending.
    let pool = linkyard::store::connect(&url).await.unwrap();
    let pending_at_kill = pending(&pool).await;
    let unanswered_tokens = count(
        &pool,
        "SELECT COUNT(*) FROM idempotency WHERE response = ''",
    )
    .await;
    eprintln!(
        "at the kill: {} writes acknowledged, {} creates sent, {pending_at_kill} transitions pending, {unanswered_tokens} tokens without a stored answer",
        acked.len(),
        creates.len()
    );
    assert!(pending_at_kill > 0, "nothing was pending at the kill");
    pool.close().await;

    // Restart on the same file.
    let server = Server::start(dir.path(), &url, DELAY_MS, &[]);
    let pool = linkyard::store::connect(&url).await.unwrap();

    // Every acknowledged write is in the audit log and in the objects.
    let logged: BTreeSet<String> = sqlx::query_scalar::<Db, String>(
        "SELECT request_id FROM audit_events WHERE source = 'api'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    for a in &acked {
        assert!(
            logged.contains(&a.request_id),
            "acknowledged but not in the audit log: {a:?}"
        );
        match a.action.as_str() {
            "CreateVpcEndpoint" => assert_eq!(
                count(&pool, &format!("SELECT COUNT(*) FROM endpoints WHERE id = '{}'", a.target)).await,
                1,
                "{a:?}"
            ),
            "AddUserToVpcEndpointService" => assert_eq!(
                count(
                    &pool,
                    &format!("SELECT COUNT(*) FROM service_users WHERE service_id = '{ORDERS}' AND user_id = '{}'", a.target)
                )
                .await,
                1,
                "{a:?}"
            ),
            _ => {}
        }
    }
    // The service's description is the last acknowledged edit, or the one in flight after it.
    let provider = outcomes.last().unwrap();
    let description: String =
        sqlx::query_scalar::<Db, String>("SELECT description FROM endpoint_services WHERE id = $1")
            .bind(ORDERS)
            .fetch_one(&pool)
            .await
            .unwrap();
    if let Some(last_acked) = provider.descriptions.iter().rposition(|(_, ok)| *ok) {
        let allowed: Vec<&String> = provider.descriptions[last_acked..]
            .iter()
            .map(|(d, _)| d)
            .collect();
        assert!(
            allowed.contains(&&description),
            "{description:?} not in {allowed:?}"
        );
    }
    check_invariants(&pool).await;

    // Retries with the same ClientToken: an acknowledged create answers the same endpoint; the
    // one in flight at the kill runs at most once in all.
    for c in &creates {
        let (status, json) = call(&server.addr, CONTOSO, "CreateVpcEndpoint", &c.params).unwrap();
        assert_eq!(status, 200, "{json}");
        if let Some(id) = &c.endpoint_id {
            assert_eq!(json["EndpointId"], Value::String(id.clone()), "{}", c.name);
        }
        let n = count(
            &pool,
            &format!("SELECT COUNT(*) FROM endpoints WHERE name = '{}'", c.name),
        )
        .await;
        assert_eq!(n, 1, "{} exists {n} times", c.name);
    }

    // The transitions pending at the kill finish after the restart.
    let deadline = Instant::now() + Duration::from_secs(60);
    while pending(&pool).await > 0 {
        assert!(
            Instant::now() < deadline,
            "transitions did not finish after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    check_invariants(&pool).await;
    let statuses: BTreeMap<String, i64> = sqlx::query_as::<Db, (String, i64)>(
        "SELECT 'endpoint ' || status, COUNT(*) FROM endpoints GROUP BY status
         UNION ALL SELECT 'connection ' || status, COUNT(*) FROM connections GROUP BY status
         UNION ALL SELECT 'zone ' || status, COUNT(*) FROM endpoint_zones GROUP BY status
         UNION ALL SELECT 'service ' || status, COUNT(*) FROM endpoint_services GROUP BY status",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    eprintln!("after the restart: {statuses:?}");
    for (what, n) in &statuses {
        assert!(
            [
                "endpoint Active",
                "connection Connected",
                "connection Disconnected",
                "zone Connected",
                "zone Wait",
                "service Active",
            ]
            .contains(&what.as_str()),
            "{n} left in {what}"
        );
    }
    // Accepted connections are Connected, with their zones.
    for a in acked
        .iter()
        .filter(|a| a.action == "EnableVpcEndpointConnection")
    {
        assert_eq!(
            count(
                &pool,
                &format!("SELECT COUNT(*) FROM connections WHERE endpoint_id = '{}' AND status = 'Connected'", a.target)
            )
            .await,
            1,
            "{a:?}"
        );
        assert_eq!(
            count(
                &pool,
                &format!("SELECT COUNT(*) FROM endpoint_zones WHERE endpoint_id = '{}' AND status <> 'Connected'", a.target)
            )
            .await,
            0,
            "{a:?}"
        );
    }
    pool.close().await;
    server.kill9();
}
