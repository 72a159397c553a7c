//! `linkyard-bench`: throughput and latency of the operation layer over a SQLite file.
//!
//! ```text
//! cargo run --release --features ssr --bin linkyard-bench -- [--iterations N] [--endpoints M] [--calls K]
//! ```
//! (or `LINKYARD_BENCH_ITERATIONS`, `LINKYARD_BENCH_ENDPOINTS`, `LINKYARD_BENCH_CALLS`).
//! `--dataplane SECONDS` runs only the data-plane figures (see `dataplane_bench`); `--api SECONDS`
//! only the signed cloud API over HTTP next to a bare-handler ceiling (see `api_bench`);
//! `--writes SECONDS` only the write throughput with and without group commit (see
//! `writes_bench`); `--stores SECONDS` only the API on SQLite and PostgreSQL with one and two
//! replicas (see `stores_bench`). `--database-url URL` (`LINKYARD_BENCH_DATABASE_URL`) runs parts
//! A and B on that store instead of a new SQLite file (an empty PostgreSQL database, say).
//!
//! Part A times CreateVpcEndpoint, EnableVpcEndpointConnection (accept) and ListVpcEndpoints (first
//! page of 50), N calls each, one after another from one client. Part B bulk-inserts M endpoints
//! (with one zone, ENI address, security group and connection each) straight into the tables in
//! one transaction, all owned by one consumer and connected to one service (the worst case for that
//! account's and that service's lists), then times list pages, K calls each.

#[path = "api_bench/mod.rs"]
mod api_bench;
#[path = "dataplane_bench/mod.rs"]
mod dataplane_bench;
#[path = "stores_bench/mod.rs"]
mod stores_bench;
#[path = "writes_bench/mod.rs"]
mod writes_bench;

use linkyard::domain::names::default_resource_group;
use linkyard::events::Bus;
use linkyard::ops::connections::ConnectionFilter;
use linkyard::ops::endpoints::{EndpointFilter, NewEndpoint, NewZone};
use linkyard::ops::inventory::{NewSecurityGroup, NewVSwitch, NewVpc};
use linkyard::ops::{Ctx, Ops, Source};
use linkyard::store::Db;
use linkyard::{scenario, store};
use std::time::{Duration, Instant};

const PROVIDER: &str = "1000000000000001";
const CONSUMER: &str = "1000000000000002";
const ORDERS: &str = "epsrv-bp1northwindorders01";
const REGION: &str = "cn-hangzhou";
const ZONE: &str = "cn-hangzhou-h";
const PAGE: i64 = 50;

fn option(args: &[String], flag: &str, env: &str, default: usize) -> usize {
    let from_args = args
        .iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned();
    from_args
        .or_else(|| std::env::var(env).ok())
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{flag} / {env}: `{v}` is not a number"))
        })
        .unwrap_or(default)
}

/// Resident memory of this process in bytes.
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// `--nonces N`: memory and time of N signed requests' replay records (one AccessKey).
fn nonce_memory(n: usize) {
    use linkyard::openapi::nonces::NonceCache;
    let cache = NonceCache::with_cap(n + 1);
    let before = rss_bytes();
    let started = Instant::now();
    for i in 0..n {
        cache
            .check_and_insert(
                "LTAI5tContosoDemo0001",
                &format!("{i:032x}"),
                1_000 + i as i64,
            )
            .expect("fresh nonce");
        if i % 4096 == 0 {
            cache.take_pending();
        }
    }
    cache.take_pending();
    let took = started.elapsed();
    let grown = rss_bytes().saturating_sub(before);
    println!(
        "nonce cache: {n} signed requests remembered, RSS +{:.1} MB ({:.0} bytes each), {:.0} ns per check",
        grown as f64 / 1e6,
        grown as f64 / n as f64,
        took.as_nanos() as f64 / n as f64
    );
}

/// Latencies of one measured operation.
struct Sample {
    label: String,
    took: Vec<Duration>,
    total: Duration,
}

impl Sample {
    fn pct(&self, p: f64) -> f64 {
        let mut v = self.took.clone();
        v.sort();
        let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_secs_f64() * 1000.0
    }
    fn row(&self) -> String {
        format!(
            "{:<58} {:>7} {:>10.0} {:>9.2} {:>9.2}",
            self.label,
            self.took.len(),
            self.took.len() as f64 / self.total.as_secs_f64(),
            self.pct(0.50),
            self.pct(0.99)
        )
    }
}

/// Runs `f` `n` times, timing every call.
async fn measure<F, Fut>(label: impl Into<String>, n: usize, f: F) -> Sample
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    measure_with(label, n, f).await.0
}

/// Like [`measure`], keeping what every call returned.
async fn measure_with<F, Fut, T>(label: impl Into<String>, n: usize, mut f: F) -> (Sample, Vec<T>)
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut took = Vec::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    let start = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        out.push(f(i).await);
        took.push(t.elapsed());
    }
    let sample = Sample {
        label: label.into(),
        took,
        total: start.elapsed(),
    };
    (sample, out)
}

fn header(title: &str) {
    println!("\n{title}");
    println!(
        "{:<58} {:>7} {:>10} {:>9} {:>9}",
        "operation", "calls", "ops/s", "p50 ms", "p99 ms"
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let iterations = option(&args, "--iterations", "LINKYARD_BENCH_ITERATIONS", 1000).max(1);
    let endpoints = option(&args, "--endpoints", "LINKYARD_BENCH_ENDPOINTS", 100_000);
    let calls = option(&args, "--calls", "LINKYARD_BENCH_CALLS", 200).max(1);
    let nonces = option(&args, "--nonces", "LINKYARD_BENCH_NONCES", 0);
    if nonces > 0 {
        nonce_memory(nonces);
        return;
    }
    let writes = option(&args, "--writes", "LINKYARD_BENCH_WRITES", 0);
    if writes > 0 {
        writes_bench::run(writes as f64).await;
        return;
    }
    let api = option(&args, "--api", "LINKYARD_BENCH_API", 0);
    if api > 0 {
        api_bench::run(api as f64).await;
        return;
    }
    let stores = option(&args, "--stores", "LINKYARD_BENCH_STORES", 0);
    if stores > 0 {
        stores_bench::run(stores as f64).await;
        return;
    }
    let dataplane = option(&args, "--dataplane", "LINKYARD_BENCH_DATAPLANE", 0);
    if dataplane > 0 {
        dataplane_bench::run(dataplane as f64).await;
        return;
    }

    let dir = std::env::temp_dir().join(format!("linkyard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the bench directory");
    let url = args
        .iter()
        .position(|a| a == "--database-url")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var("LINKYARD_BENCH_DATABASE_URL").ok())
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));
    let pool = store::connect(&url).await.expect("open the database");
    let pg = store::backend(&pool) == store::Backend::Postgres;
    store::migrate(&pool).await.expect("migrate");
    let ops = Ops::new(pool, Bus::new(), 0);
    let demo = scenario::parse(include_str!("../../scenarios/demo.toml")).expect("demo scenario");
    scenario::load(&ops, &demo, false)
        .await
        .expect("load the demo scenario");
    println!(
        "database: {} (demo scenario loaded)",
        store::dialect::redact(&url)
    );
    println!("iterations: {iterations}, bulk endpoints: {endpoints}, list calls: {calls}");

    let consumer = Ctx::new(CONSUMER, Source::Api);
    let provider = Ctx::new(PROVIDER, Source::Api);

    // Part A: address space for the created endpoints, at most 1000 endpoints per VPC.
    let vpcs = iterations.div_ceil(1000);
    assert!(vpcs <= 60, "--iterations is at most 60000");
    let mut targets = Vec::new();
    for j in 0..vpcs {
        let net = format!("100.{}.0", 64 + j);
        let vpc = ops
            .create_vpc(
                &consumer,
                NewVpc {
                    region_id: REGION.into(),
                    name: format!("bench-{j}"),
                    cidr: format!("{net}.0/16"),
                    ..Default::default()
                },
            )
            .await
            .expect("vpc");
        let vsw = ops
            .create_vswitch(
                &consumer,
                NewVSwitch {
                    vpc_id: vpc.id.clone(),
                    zone_id: ZONE.into(),
                    name: format!("bench-{j}"),
                    cidr: format!("{net}.0/20"),
                    ..Default::default()
                },
            )
            .await
            .expect("vswitch");
        let sg = ops
            .create_security_group(
                &consumer,
                NewSecurityGroup {
                    vpc_id: vpc.id.clone(),
                    name: format!("bench-{j}"),
                    ..Default::default()
                },
            )
            .await
            .expect("security group");
        targets.push((vpc.id, vsw.id, sg.id));
    }

    let (create, created) = measure_with("CreateVpcEndpoint (1 zone)", iterations, |i| {
        let (vpc, vsw, sg) = targets[i / 1000].clone();
        let ops = &ops;
        let consumer = &consumer;
        async move {
            ops.create_endpoint(
                consumer,
                NewEndpoint {
                    region_id: REGION.into(),
                    vpc_id: vpc,
                    service_id: Some(ORDERS.into()),
                    security_group_ids: vec![sg],
                    zones: vec![NewZone {
                        zone_id: ZONE.into(),
                        vswitch_id: vsw,
                        ip: None,
                    }],
                    name: format!("bench-{i}"),
                    ..Default::default()
                },
            )
            .await
            .expect("create endpoint")
            .id
        }
    })
    .await;
    let accept = measure("EnableVpcEndpointConnection (accept)", iterations, |i| {
        let (ops, provider, id) = (&ops, &provider, created[i].clone());
        async move {
            ops.accept_connection(provider, ORDERS, &id, None, None)
                .await
                .expect("accept");
        }
    })
    .await;
    ops.advance_due().await.expect("settle");
    let list_small = measure(
        format!("ListVpcEndpoints, first page of {PAGE} ({iterations} owned)"),
        iterations,
        |_| {
            let (ops, consumer) = (&ops, &consumer);
            async move {
                let p = ops
                    .list_endpoints(consumer, REGION, &EndpointFilter::default(), None, PAGE)
                    .await
                    .expect("list");
                assert_eq!(p.items.len() as i64, PAGE.min(p.total));
            }
        },
    )
    .await;
    header("A. operations, one client, sequential (demo store + the endpoints created here)");
    for s in [&create, &accept, &list_small] {
        println!("{}", s.row());
    }

    // Part B: bulk rows.
    if endpoints == 0 {
        return;
    }
    let started = Instant::now();
    let bulk_vpc = ops
        .create_vpc(
            &consumer,
            NewVpc {
                region_id: REGION.into(),
                name: "bulk".into(),
                cidr: "10.0.0.0/8".into(),
                ..Default::default()
            },
        )
        .await
        .expect("bulk vpc");
    let per_vswitch = 60_000usize;
    let mut vswitches = Vec::new();
    for k in 0..endpoints.div_ceil(per_vswitch) {
        let v = ops
            .create_vswitch(
                &consumer,
                NewVSwitch {
                    vpc_id: bulk_vpc.id.clone(),
                    zone_id: ZONE.into(),
                    name: format!("bulk-{k}"),
                    cidr: format!("10.{}.0.0/16", k + 1),
                    ..Default::default()
                },
            )
            .await
            .expect("bulk vswitch");
        vswitches.push(v.id);
    }
    let bulk_sg = ops
        .create_security_group(
            &consumer,
            NewSecurityGroup {
                vpc_id: bulk_vpc.id.clone(),
                name: "bulk".into(),
                ..Default::default()
            },
        )
        .await
        .expect("bulk sg");
    let service_name: String =
        sqlx::query_scalar::<Db, String>("SELECT name FROM endpoint_services WHERE id = $1")
            .bind(ORDERS)
            .fetch_one(&ops.pool)
            .await
            .expect("service name");
    let now = linkyard::store::now_ms();
    // `prefix` followed by the row number `i`, zero-padded to `digits`.
    let pad = |prefix: &str, digits: usize| {
        if pg {
            format!("'{prefix}' || LPAD(CAST(i AS TEXT), {digits}, '0')")
        } else {
            format!("printf('{prefix}%0{digits}d', i)")
        }
    };
    let mut tx = ops.pool.begin().await.expect("begin");
    // A temporary table maps row numbers to vSwitches so one INSERT … SELECT per table does it all.
    sqlx::query::<Db>("CREATE TEMP TABLE bench_vsw (k INTEGER PRIMARY KEY, id TEXT NOT NULL)")
        .execute(&mut *tx)
        .await
        .expect("temp table");
    for (k, v) in vswitches.iter().enumerate() {
        sqlx::query::<Db>("INSERT INTO bench_vsw (k, id) VALUES ($1, $2)")
            .bind(k as i64)
            .bind(v)
            .execute(&mut *tx)
            .await
            .expect("temp row");
    }
    let series = format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {}),
         r AS (SELECT i, {ep} AS ep, {eni} AS eni,
                      (SELECT id FROM bench_vsw WHERE k = i / {per_vswitch}) AS vsw,
                      '10.' || (i / {per_vswitch} + 1) || '.' || ((i % {per_vswitch} + 1) / 256) || '.' || ((i % {per_vswitch} + 1) % 256) AS ip
               FROM n)",
        endpoints - 1,
        ep = pad("ep-bp1bulk", 13),
        eni = pad("eni-bp1bulk", 12),
    );
    let statements = [
        format!(
            "{series} INSERT INTO endpoints (id, account_id, region_id, name, description, endpoint_type, vpc_id,
                service_id, service_name, service_region_id, address_ip_version, zone_affinity, protected,
                private_dns_enabled, status, business_status, domain, resource_group_id, created_at, updated_at)
             SELECT ep, '{CONSUMER}', '{REGION}', 'bulk-' || i, '', 'Interface', $1, '{ORDERS}', $2, '{REGION}',
                'IPv4', FALSE, FALSE, FALSE, 'Active', 'Normal', ep || '.{ORDERS}.{REGION}.privatelink.aliyuncs.com', $3, $4, $4
             FROM r"
        ),
        format!(
            "{series} INSERT INTO endpoint_zones (endpoint_id, zone_id, vswitch_id, eni_id, ip, domain, status, healthy,
                resource_id, created_at)
             SELECT ep, '{ZONE}', vsw, eni, ip, ep || '-{ZONE}.{ORDERS}.{REGION}.privatelink.aliyuncs.com', 'Connected',
                TRUE, 'nlb-bp1northwind0000001', $4 FROM r"
        ),
        format!(
            "{series} INSERT INTO ip_allocations (vswitch_id, ip, owner_kind, owner_id) SELECT vsw, ip, 'eni', eni FROM r"
        ),
        format!(
            "{series} INSERT INTO endpoint_security_groups (endpoint_id, sg_id, status) SELECT ep, $5, 'Attached' FROM r"
        ),
        format!(
            "{series} INSERT INTO connections (endpoint_id, service_id, endpoint_owner_id, service_owner_id, status,
                bandwidth, traffic_control_mode, decided_by, created_at, modified_at, endpoint_region_id)
             SELECT ep, '{ORDERS}', '{CONSUMER}', '{PROVIDER}', 'Connected', 3072, 'Scalability', '{PROVIDER}', $4, $4,
                '{REGION}'
             FROM r"
        ),
    ];
    for sql in &statements {
        // Unused parameters are fine: both stores take them (PostgreSQL as typed, unreferenced ones).
        sqlx::query::<Db>(sql)
            .bind(&bulk_vpc.id)
            .bind(&service_name)
            .bind(default_resource_group(CONSUMER))
            .bind(now)
            .bind(&bulk_sg.id)
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("bulk insert failed: {e}\n{sql}"));
    }
    tx.commit().await.expect("commit");
    sqlx::query::<Db>("ANALYZE")
        .execute(&ops.pool)
        .await
        .expect("analyze");
    let total: i64 = sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM endpoints")
        .fetch_one(&ops.pool)
        .await
        .expect("count");
    println!(
        "\nbulk insert: {endpoints} endpoints (+ zones, ENI addresses, security groups, connections) in {:.1} s \
         via INSERT … SELECT in one transaction; {total} endpoints in the store, {} owned by {CONSUMER} on {ORDERS}",
        started.elapsed().as_secs_f64(),
        endpoints + iterations
    );

    // The token of a middle page is the id of the last item before it (keyset paging).
    let first = ops
        .list_endpoints(&consumer, REGION, &EndpointFilter::default(), None, PAGE)
        .await
        .expect("first page");
    assert_eq!(
        first.next_token.as_deref(),
        first.items.last().map(|v| v.id.as_str()),
        "NextToken is the last id of the page"
    );
    let middle: String = sqlx::query_scalar::<Db, String>(
        "SELECT id FROM endpoints WHERE account_id = $1 AND region_id = $2 ORDER BY id LIMIT 1 OFFSET $3",
    )
    .bind(CONSUMER)
    .bind(REGION)
    .bind(first.total / 2)
    .fetch_one(&ops.pool)
    .await
    .expect("middle id");
    let owned = first.total;
    let list_first = measure(
        format!("ListVpcEndpoints, first page ({owned} owned)"),
        calls,
        |_| {
            let (ops, consumer) = (&ops, &consumer);
            async move {
                let p = ops
                    .list_endpoints(consumer, REGION, &EndpointFilter::default(), None, PAGE)
                    .await
                    .expect("list");
                assert_eq!(p.items.len() as i64, PAGE);
            }
        },
    )
    .await;
    let list_middle = measure("ListVpcEndpoints, middle page by NextToken", calls, |_| {
        let (ops, consumer, token) = (&ops, &consumer, middle.clone());
        async move {
            let p = ops
                .list_endpoints(
                    consumer,
                    REGION,
                    &EndpointFilter::default(),
                    Some(&token),
                    PAGE,
                )
                .await
                .expect("list");
            assert_eq!(p.items.len() as i64, PAGE);
        }
    })
    .await;
    let connected = EndpointFilter {
        connection_status: Some("Connected".into()),
        ..Default::default()
    };
    let list_filtered = measure(
        "ListVpcEndpoints, first page filtered by ConnectionStatus",
        calls,
        |_| {
            let (ops, consumer, f) = (&ops, &consumer, &connected);
            async move {
                let p = ops
                    .list_endpoints(consumer, REGION, f, None, PAGE)
                    .await
                    .expect("list");
                assert_eq!(p.items.len() as i64, PAGE);
            }
        },
    )
    .await;
    let list_conns = measure(
        format!("ListVpcEndpointConnections of {ORDERS}, first page"),
        calls,
        |_| {
            let (ops, provider) = (&ops, &provider);
            async move {
                let p = ops
                    .list_connections(provider, ORDERS, &ConnectionFilter::default(), None, PAGE)
                    .await
                    .expect("list connections");
                assert_eq!(p.items.len() as i64, PAGE);
            }
        },
    )
    .await;
    let get = measure("GetVpcEndpointAttribute (reference)", calls, |i| {
        let (ops, consumer) = (&ops, &consumer);
        let id = format!("ep-bp1bulk{:013}", (i * 7919) % endpoints);
        async move {
            ops.get_endpoint(consumer, &id).await.expect("get");
        }
    })
    .await;
    header(&format!("B. with {total} endpoints in the store"));
    for s in [&list_first, &list_middle, &list_filtered, &list_conns, &get] {
        println!("{}", s.row());
    }
    drop(ops);
    let _ = std::fs::remove_dir_all(&dir);
}
