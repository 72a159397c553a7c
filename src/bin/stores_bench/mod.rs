//! `linkyard-bench --stores SECONDS`: the cloud API on each store. Signed reads
//! (GetVpcEndpointAttribute) and writes (UpdateVpcEndpointAttribute, a new description each time)
//! over HTTP at 1 and 32 clients, on SQLite, on PostgreSQL with one replica, and on PostgreSQL with
//! two replicas (clients alternate between them); and the cold start of each (connect, migrate,
//! load the demo scenario, build the router). PostgreSQL is the server at the admin URL in
//! `LINKYARD_BENCH_POSTGRES` (`scripts/bench.sh --with-stores` starts a throwaway one); without it
//! only SQLite is measured.

use crate::api_bench::{Call, Wire, create_endpoint, load_across, pairs, serve_app};
use linkyard::events::Bus;
use linkyard::ops::Ops;
use linkyard::server::{AppState, router};
use linkyard::{scenario, store};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

const CONSUMER: (&str, &str) = ("LTAI5tContosoDemo0001", "contoso-secret-00001");
const REGION: &str = "cn-hangzhou";
const SEAL_KEY: &str = "bGlua3lhcmQtYmVuY2gtc2VhbC1rZXktMzJieXRlcyE=";

/// Starts one replica on `url` in a runtime of its own; its address and cold-start time.
fn replica(url: String) -> (SocketAddr, Duration) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let started = Instant::now();
            let pool = store::connect(&url).await.expect("db");
            store::migrate(&pool).await.expect("migrate");
            let pg = store::backend(&pool) == store::Backend::Postgres;
            let startup = store::locks::StartupLock::take(&pool).await.expect("lock");
            let mut ops = Ops::new(pool, Bus::new(), 0);
            // Replicas share the secret-sealing key (as `serve` requires on PostgreSQL).
            ops.seal = linkyard::seal::SealKey::from_base64(SEAL_KEY, "bench").expect("key");
            let mut c = ops.pool.acquire().await.expect("conn");
            let empty = store::accounts::count(&mut c).await.expect("count") == 0;
            drop(c);
            if empty {
                let demo =
                    scenario::parse(include_str!("../../../scenarios/demo.toml")).expect("demo");
                scenario::load(&ops, &demo, false).await.expect("load");
            }
            drop(startup);
            ops.spawn_reconciler();
            let nonces: Arc<linkyard::openapi::nonces::NonceCache> = Default::default();
            if pg {
                let wake = ops.clone();
                linkyard::events::postgres::spawn(
                    &ops.bus,
                    ops.pool.clone(),
                    url.clone(),
                    Arc::new(move || wake.wake()),
                );
                nonces.share_through(ops.pool.clone());
            }
            let state = AppState {
                leptos_options: leptos::prelude::LeptosOptions::builder()
                    .output_name("linkyard")
                    .build(),
                ops,
                demo_mode: true,
                nonces,
                throttle: Arc::new(linkyard::openapi::throttle::Throttle::new(
                    linkyard::openapi::throttle::ThrottleConfig {
                        per_second: 0,
                        burst: 0,
                    },
                )),
                keys: Default::default(),
                scenario: None,
                public_url: None,
            };
            let app = router(state).await.expect("router");
            let cold = started.elapsed();
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            tx.send((listener.local_addr().expect("addr"), cold))
                .expect("send");
            serve_app(listener, app).await;
        });
    });
    rx.recv().expect("replica started")
}

/// A new database on the PostgreSQL server at `admin`.
fn postgres_database(admin: &str) -> String {
    let name = format!("ly_bench_{}", uuid::Uuid::new_v4().simple());
    let out = std::process::Command::new("psql")
        .args([admin, "-qAt", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "cannot create the bench database: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}/{name}",
        admin.rsplit_once('/').expect("a database in the URL").0
    )
}

/// Runs the store figures, `secs` seconds per row.
pub async fn run(secs: f64) {
    println!(
        "\nCloud API on each store (signed V3 over HTTP, keep-alive, one connection per client; {secs} s per row)"
    );
    let dir = std::env::temp_dir().join(format!("linkyard-storesbench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let mut setups: Vec<(String, Vec<(SocketAddr, Duration)>)> = vec![(
        "SQLite".into(),
        vec![replica(format!(
            "sqlite://{}",
            dir.join("bench.db").display()
        ))],
    )];
    match std::env::var("LINKYARD_BENCH_POSTGRES") {
        Ok(admin) if !admin.is_empty() => {
            setups.push((
                "PostgreSQL, 1 replica".into(),
                vec![replica(postgres_database(&admin))],
            ));
            let shared = postgres_database(&admin);
            let first = replica(shared.clone());
            let second = replica(shared);
            setups.push(("PostgreSQL, 2 replicas".into(), vec![first, second]));
        }
        _ => println!("  (LINKYARD_BENCH_POSTGRES is not set: SQLite only)"),
    }
    println!("  cold start (connect, migrate, load the demo scenario, build the router):");
    for (name, replicas) in &setups {
        let ms: Vec<String> = replicas
            .iter()
            .map(|(_, d)| format!("{:.0} ms", d.as_secs_f64() * 1e3))
            .collect();
        println!("    {name:<24} {}", ms.join(", "));
    }
    println!(
        "  {:<44} {:>7} {:>10} {:>8} {:>8}",
        "store / call", "clients", "req/s", "p50 ms", "p99 ms"
    );
    for (name, replicas) in &setups {
        let addrs: Vec<SocketAddr> = replicas.iter().map(|(a, _)| *a).collect();
        let id = create_endpoint(addrs[0]).await;
        let read = Call {
            who: CONSUMER,
            action: "GetVpcEndpointAttribute",
            params: pairs(&[("RegionId", REGION), ("EndpointId", &id)]),
            vary: None,
            wire: Wire::Acs,
        };
        let write = Call {
            who: CONSUMER,
            action: "UpdateVpcEndpointAttribute",
            params: pairs(&[("RegionId", REGION), ("EndpointId", &id)]),
            vary: Some("EndpointDescription"),
            wire: Wire::Acs,
        };
        for clients in [1, 32] {
            for call in [&read, &write] {
                let r = load_across(&addrs, call, clients, secs).await;
                println!(
                    "  {:<44} {:>7} {:>10.0} {:>8.2} {:>8.2}{}",
                    format!("{name}: {}", call.action),
                    clients,
                    r.rps,
                    r.p50,
                    r.p99,
                    if r.failed > 0 {
                        format!("  ({} answered other than 200)", r.failed)
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
}
