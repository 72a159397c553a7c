//! `linkyard-bench --writes SECONDS`: the operation layer's write throughput on a file-backed
//! SQLite store, with group commit and without it (one change per transaction), at 1 and 32
//! concurrent writers. Each writer updates its own endpoint's description
//! (UpdateVpcEndpointAttribute: two reads, one update, the view, one audit row) in a loop.

use linkyard::events::Bus;
use linkyard::ops::endpoints::{EndpointUpdate, NewEndpoint, NewZone};
use linkyard::ops::{Ctx, Ops, Source};
use linkyard::{scenario, store};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const CONSUMER: &str = "1000000000000002";

/// Runs every row of the table for `seconds` each and prints it.
pub async fn run(seconds: f64) {
    println!("| writers | group commit | changes/s | p50 ms | p99 ms | changes per commit |");
    println!("|---|---|---|---|---|---|");
    for writers in [1usize, 32] {
        for grouped in [false, true] {
            let row = measure(writers, grouped, Duration::from_secs_f64(seconds)).await;
            println!(
                "| {writers} | {} | {:.0} | {:.2} | {:.2} | {:.1} |",
                if grouped { "on" } else { "off" },
                row.per_second,
                row.p50_ms,
                row.p99_ms,
                row.per_commit
            );
        }
    }
}

struct Row {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    per_commit: f64,
}

async fn measure(writers: usize, grouped: bool, length: Duration) -> Row {
    let dir = tempfile_dir();
    let url = format!("sqlite://{}", dir.join("writes.db").display());
    let pool = store::connect(&url).await.expect("open the database");
    store::migrate(&pool).await.expect("migrate");
    let ops = Ops::new(pool, Bus::new(), 0);
    let demo = scenario::parse(include_str!("../../../scenarios/demo.toml")).expect("demo");
    scenario::load(&ops, &demo, false).await.expect("load");
    let consumer = Ctx::new(CONSUMER, Source::Api);
    let mut ids = Vec::new();
    for i in 0..writers {
        let e = ops
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
                    name: format!("writer-{i}"),
                    ..Default::default()
                },
            )
            .await
            .expect("create endpoint");
        ids.push(e.id);
    }
    // Let the reconciler's work finish (delay 0): the endpoints must be Active to be updated.
    while ops.advance_due().await.expect("settle") > 0 {}
    ops.group
        .max_batch
        .store(if grouped { 64 } else { 1 }, Ordering::Relaxed);
    let (commits0, changes0) = ops.group.stats();
    let start = Instant::now();
    let deadline = start + length;
    let ops = Arc::new(ops);
    let mut tasks = Vec::new();
    for id in ids {
        let ops = ops.clone();
        tasks.push(tokio::spawn(async move {
            let ctx = Ctx::new(CONSUMER, Source::Api);
            let mut latencies = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let t = Instant::now();
                ops.update_endpoint(
                    &ctx,
                    &id,
                    EndpointUpdate {
                        description: Some(format!("write {n}")),
                        ..Default::default()
                    },
                )
                .await
                .expect("update");
                latencies.push(t.elapsed());
                n += 1;
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("writer"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let (commits, changes) = ops.group.stats();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    let _ = std::fs::remove_dir_all(&dir);
    Row {
        per_second: all.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        per_commit: (changes - changes0) as f64 / (commits - commits0).max(1) as f64,
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "linkyard-writes-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).expect("create the bench directory");
    dir
}
