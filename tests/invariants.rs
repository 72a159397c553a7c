//! A randomized sequence of operations from several accounts, with the model's invariants checked
//! after every step by reading the database directly and through the operation layer.
//!
//! Reproduce a failure with `LINKYARD_SEED=<seed> cargo test --features ssr --test invariants`;
//! `LINKYARD_STEPS` changes the number of steps.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use linkyard::domain::ApiError;
use linkyard::domain::inventory::{LbType, format_ipv4, parse_cidr, parse_ipv4, usable_range};
use linkyard::domain::state::{ConnectionStatus as Conn, Machine};
use linkyard::ops::endpoints::{NewEndpoint, NewZone};
use linkyard::ops::inventory::{NewLoadBalancer, NewSecurityGroup, NewVSwitch};
use linkyard::ops::services::{NewResource, NewService, ServiceUpdate};
use linkyard::ops::tags::TagTarget;
use linkyard::ops::{Ctx, IdGen, Ops, Source};
use linkyard::store::Db;
use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

const REGION: &str = "cn-hangzhou";
const ZONES: [&str; 3] = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"];
const ZONE_STATUSES: [&str; 7] = [
    "Creating",
    "Wait",
    "Connecting",
    "Connected",
    "Disconnecting",
    "Disconnected",
    "Deleting",
];
const RESOURCE_STATUSES: [&str; 4] = ["Creating", "Active", "Pending", "Deleting"];

/// xorshift64*: small, deterministic, good enough to pick operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// One account's inventory, as the test knows it.
#[derive(Default, Clone)]
struct Account {
    id: String,
    vpcs: Vec<String>,
    /// (vswitch id, vpc id, zone id, cidr)
    vswitches: Vec<(String, String, String, String)>,
    /// (sg id, vpc id)
    sgs: Vec<(String, String)>,
    /// (lb id, type, zones)
    lbs: Vec<(String, LbType, Vec<String>)>,
}

struct World {
    ops: Ops,
    accounts: Vec<Account>,
    /// Every table (except migrations and sessions) with the query listing its rows.
    tables: Vec<(String, String)>,
    /// Connection status per endpoint after the previous step.
    prev_conn: HashMap<String, String>,
    /// Zone status per (endpoint, zone) after the previous step.
    prev_zone: HashMap<(String, String), String>,
    /// Connections the provider rejected or disconnected since they were last accepted.
    rejected: HashSet<String>,
    /// The last step ran as a dry run.
    last_dry: bool,
}

fn ctx_of(id: &str, dry_run: bool) -> Ctx {
    let mut c = Ctx::new(id, Source::Api);
    c.dry_run = dry_run;
    c
}

async fn strings(ops: &Ops, sql: &str) -> Vec<String> {
    sqlx::query_scalar::<Db, String>(sql)
        .fetch_all(&ops.pool)
        .await
        .unwrap()
}

impl World {
    async fn new(seed: u64) -> (TestApp, Self) {
        let app = demo_app().await;
        let mut ops = app.ops.clone();
        ops.ids = IdGen::seeded(seed);
        ops.demo_tools = true;
        let pg = linkyard::store::backend(&ops.pool) == linkyard::store::Backend::Postgres;
        let names = if pg {
            strings(
                &ops,
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                   AND table_name NOT LIKE '_sqlx%' ORDER BY 1",
            )
            .await
        } else {
            strings(
                &ops,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                 AND name NOT LIKE '_sqlx%' AND name NOT LIKE '%session%' ORDER BY name",
            )
            .await
        };
        let mut tables = Vec::new();
        for t in names {
            let cols = if pg {
                strings(
                    &ops,
                    &format!(
                        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = '{t}'
                         ORDER BY ordinal_position"
                    ),
                )
                .await
            } else {
                strings(
                    &ops,
                    &format!("SELECT name FROM pragma_table_info('{t}') ORDER BY cid"),
                )
                .await
            };
            let quote = if pg { "quote_nullable" } else { "quote" };
            let expr = cols
                .iter()
                .map(|c| format!("{quote}(\"{c}\")"))
                .collect::<Vec<_>>()
                .join("||','||");
            // The audit log only grows: its size and last id tell whether anything was recorded.
            let query = if t == "audit_events" {
                "SELECT 'audit_events:' || COUNT(*) || ',' || COALESCE(MAX(id), 0) AS r FROM audit_events"
                    .to_string()
            } else {
                format!("SELECT '{t}:' || {expr} AS r FROM \"{t}\"")
            };
            tables.push((t, query));
        }
        let mut w = World {
            ops,
            accounts: Vec::new(),
            tables,
            prev_conn: HashMap::new(),
            prev_zone: HashMap::new(),
            rejected: HashSet::new(),
            last_dry: false,
        };
        w.setup().await;
        w.refresh_inventory().await;
        (app, w)
    }

    /// Extra inventory: tiny vSwitches (4 usable addresses) to run out of addresses, an enterprise
    /// security group (type mixing), and load balancers for the consumers so they publish too.
    async fn setup(&self) {
        let ops = &self.ops;
        let contoso = ctx_of(CONSUMER.0, false);
        let fabrikam = ctx_of(STRANGER.0, false);
        let vsw = |vpc: &str, zone: &str, cidr: &str| NewVSwitch {
            id: None,
            vpc_id: vpc.into(),
            zone_id: zone.into(),
            name: "tiny".into(),
            cidr: cidr.into(),
        };
        ops.create_vswitch(
            &contoso,
            vsw("vpc-bp1contoso0000000001", "cn-hangzhou-j", "172.16.3.0/29"),
        )
        .await
        .unwrap();
        ops.create_vswitch(
            &fabrikam,
            vsw(
                "vpc-bp1fabrikam000000001",
                "cn-hangzhou-i",
                "192.168.2.0/29",
            ),
        )
        .await
        .unwrap();
        ops.create_vswitch(
            &fabrikam,
            vsw(
                "vpc-bp1fabrikam000000001",
                "cn-hangzhou-j",
                "192.168.3.0/28",
            ),
        )
        .await
        .unwrap();
        ops.create_security_group(
            &fabrikam,
            NewSecurityGroup {
                id: None,
                vpc_id: "vpc-bp1fabrikam000000001".into(),
                name: "enterprise".into(),
                sg_type: Some("enterprise".into()),
            },
        )
        .await
        .unwrap();
        let lb = |vpc: &str, t: LbType, zones: &[&str]| NewLoadBalancer {
            id: None,
            vpc_id: vpc.into(),
            lb_type: t,
            name: "lb".into(),
            zones: zones.iter().map(|z| z.to_string()).collect(),
            dual_stack: false,
            privatelink_supported: true,
        };
        ops.create_load_balancer(
            &fabrikam,
            lb(
                "vpc-bp1fabrikam000000001",
                LbType::Nlb,
                &["cn-hangzhou-h", "cn-hangzhou-i"],
            ),
        )
        .await
        .unwrap();
        ops.create_load_balancer(
            &contoso,
            lb("vpc-bp1contoso0000000001", LbType::Clb, &["cn-hangzhou-h"]),
        )
        .await
        .unwrap();
        ops.create_load_balancer(
            &contoso,
            lb(
                "vpc-bp1contoso0000000001",
                LbType::Alb,
                &["cn-hangzhou-h", "cn-hangzhou-i"],
            ),
        )
        .await
        .unwrap();
    }

    async fn refresh_inventory(&mut self) {
        let mut accounts = Vec::new();
        for id in [PROVIDER.0, CONSUMER.0, STRANGER.0] {
            let q = |sql: &str| sql.replace("$A", id);
            let mut a = Account {
                id: id.into(),
                vpcs: strings(
                    &self.ops,
                    &q("SELECT id FROM vpcs WHERE account_id = '$A' ORDER BY id"),
                )
                .await,
                ..Default::default()
            };
            a.vswitches = sqlx::query_as::<Db, (String, String, String, String)>(&q(
                "SELECT id, vpc_id, zone_id, cidr FROM vswitches WHERE account_id = '$A' ORDER BY id",
            ))
            .fetch_all(&self.ops.pool)
            .await
            .unwrap();
            a.sgs = sqlx::query_as::<Db, (String, String)>(&q(
                "SELECT id, vpc_id FROM security_groups WHERE account_id = '$A' ORDER BY id",
            ))
            .fetch_all(&self.ops.pool)
            .await
            .unwrap();
            a.lbs = sqlx::query_as::<Db, (String, String, String)>(&q(
                "SELECT id, lb_type, zones FROM load_balancers WHERE account_id = '$A' ORDER BY id",
            ))
            .fetch_all(&self.ops.pool)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, t, z)| {
                (
                    id,
                    LbType::parse(&t).unwrap(),
                    z.split(',').map(str::to_string).collect(),
                )
            })
            .collect();
            accounts.push(a);
        }
        self.accounts = accounts;
    }

    /// A hash of every row of every table.
    async fn snapshot(&self) -> u64 {
        let all = self
            .tables
            .iter()
            .map(|(_, q)| q.as_str())
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let rows = strings(
            &self.ops,
            &format!("SELECT r FROM ({all}) AS snapshot ORDER BY 1"),
        )
        .await;
        let mut h = DefaultHasher::new();
        rows.hash(&mut h);
        h.finish()
    }

    async fn services(&self) -> Vec<(String, String)> {
        sqlx::query_as::<Db, (String, String)>(
            "SELECT id, account_id FROM endpoint_services WHERE managed_product IS NULL
             OR (region_id = 'cn-hangzhou' AND managed_product IN ('oss', 'sls')) ORDER BY id",
        )
        .fetch_all(&self.ops.pool)
        .await
        .unwrap()
    }

    /// (endpoint id, owner, service id)
    async fn endpoints(&self) -> Vec<(String, String, String)> {
        sqlx::query_as::<Db, (String, String, String)>(
            "SELECT id, account_id, service_id FROM endpoints ORDER BY id",
        )
        .fetch_all(&self.ops.pool)
        .await
        .unwrap()
    }

    /// One random operation; returns its name, the object it touched (if any) and its outcome.
    async fn step(&mut self, rng: &mut Rng) -> (String, Option<String>, Result<(), ApiError>) {
        let ops = self.ops.clone();
        let services = self.services().await;
        let endpoints = self.endpoints().await;
        let acct = self.accounts[rng.below(self.accounts.len())].clone();
        let dry = rng.chance(5);
        self.last_dry = dry;
        let ctx = ctx_of(&acct.id, dry);
        // Usually the right account for an object, sometimes anybody.
        let wrong = rng.chance(15);
        let svc = rng.pick(&services).cloned();
        let ep = rng.pick(&endpoints).cloned();
        let owner_ctx = |owner: &str| {
            if wrong {
                ctx.clone()
            } else {
                ctx_of(owner, dry)
            }
        };
        let all_ids: Vec<String> = self.accounts.iter().map(|a| a.id.clone()).collect();
        let bandwidth = *rng
            .pick(&[
                None,
                Some(0),
                Some(50),
                Some(100),
                Some(1024),
                Some(3072),
                Some(99_999),
            ])
            .unwrap();
        let op = rng.below(100);
        macro_rules! done {
            ($name:expr, $target:expr, $r:expr) => {
                return ($name.to_string(), $target, $r.map(|_| ()))
            };
        }
        match op {
            0..=3 => {
                // CreateVpcEndpointService from one type of the account's (or another's) LBs.
                let owner = if wrong {
                    self.accounts[rng.below(self.accounts.len())].clone()
                } else {
                    acct.clone()
                };
                let Some((lb, t, zones)) = rng.pick(&owner.lbs).cloned() else {
                    done!(
                        "create_service",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let mut resources = Vec::new();
                for z in &zones {
                    if rng.chance(70) {
                        resources.push(NewResource {
                            resource_id: lb.clone(),
                            resource_type: None,
                            zone_id: Some(z.clone()),
                        });
                    }
                }
                if rng.chance(10) {
                    resources.push(NewResource {
                        resource_id: lb.clone(),
                        resource_type: None,
                        zone_id: Some(ZONES[rng.below(3)].into()),
                    });
                }
                let r = ops
                    .create_service(
                        &ctx,
                        NewService {
                            region_id: REGION.into(),
                            description: "random".into(),
                            auto_accept: rng.chance(40),
                            resource_type: Some(t.api_name().into()),
                            resources,
                            ..Default::default()
                        },
                    )
                    .await;
                let target = r.as_ref().ok().map(|s| s.id.clone());
                done!("create_service", target, r)
            }
            4..=5 => {
                let Some((s, owner)) = svc else {
                    done!(
                        "delete_service",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let r = ops.delete_service(&owner_ctx(&owner), &s).await;
                done!("delete_service", Some(s), r)
            }
            6..=7 => {
                let Some((s, owner)) = svc else {
                    done!(
                        "update_service",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let r = ops
                    .update_service(
                        &owner_ctx(&owner),
                        &s,
                        ServiceUpdate {
                            auto_accept: Some(rng.chance(50)),
                            connect_bandwidth: bandwidth,
                            ..Default::default()
                        },
                    )
                    .await;
                done!("update_service", Some(s), r)
            }
            8..=9 => {
                let Some((s, owner)) = svc else {
                    done!(
                        "attach_resource",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let lbs: Vec<_> = self
                    .accounts
                    .iter()
                    .filter(|a| a.id == owner || wrong)
                    .flat_map(|a| a.lbs.clone())
                    .collect();
                let Some((lb, _, zones)) = rng.pick(&lbs).cloned() else {
                    done!(
                        "attach_resource",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let r = ops
                    .attach_resource(
                        &owner_ctx(&owner),
                        &s,
                        NewResource {
                            resource_id: lb,
                            resource_type: None,
                            zone_id: rng.pick(&zones).cloned(),
                        },
                    )
                    .await;
                done!("attach_resource", Some(s), r)
            }
            10..=11 => {
                let Some((s, owner)) = svc else {
                    done!(
                        "detach_resource",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let res = strings(
                    &ops,
                    &format!(
                        "SELECT resource_id || ' ' || zone_id FROM service_resources WHERE service_id = '{s}' ORDER BY 1"
                    ),
                )
                .await;
                let Some(pair) = rng.pick(&res).cloned() else {
                    done!(
                        "detach_resource",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let (lb, zone) = pair.split_once(' ').unwrap();
                let r = ops
                    .detach_resource(&owner_ctx(&owner), &s, lb, Some(zone))
                    .await;
                done!("detach_resource", Some(s), r)
            }
            12..=15 => {
                let Some((s, owner)) = svc else {
                    done!(
                        "add_whitelist",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let user = rng.pick(&all_ids).unwrap().clone();
                let r = ops
                    .add_whitelist(&owner_ctx(&owner), &s, Some(&user), None, "random")
                    .await;
                done!("add_whitelist", Some(s), r)
            }
            16..=17 => {
                let Some((s, owner)) = svc else {
                    done!(
                        "remove_whitelist",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let user = rng.pick(&all_ids).unwrap().clone();
                let r = ops
                    .remove_whitelist(&owner_ctx(&owner), &s, Some(&user), None)
                    .await;
                done!("remove_whitelist", Some(s), r)
            }
            18..=34 => {
                // CreateVpcEndpoint: usually the account's own VPC, vSwitches and groups.
                let vpc_owner = if wrong {
                    self.accounts[rng.below(self.accounts.len())].clone()
                } else {
                    acct.clone()
                };
                let Some(vpc) = rng.pick(&vpc_owner.vpcs).cloned() else {
                    done!(
                        "create_endpoint",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                // Mostly a service the caller may use (own, whitelisted, managed).
                let usable = strings(
                    &ops,
                    &format!(
                        "SELECT id FROM endpoint_services s WHERE status IN ('Active', 'Pending') AND (account_id = '{a}'
                         OR EXISTS (SELECT 1 FROM service_users u WHERE u.service_id = s.id AND u.user_id = '{a}')
                         OR (managed_product IN ('oss', 'sls') AND region_id = '{REGION}')) ORDER BY id",
                        a = acct.id
                    ),
                )
                .await;
                let s = match (rng.chance(80), rng.pick(&usable), svc) {
                    (true, Some(u), _) => u.clone(),
                    (_, _, Some((s, _))) => s,
                    _ => done!(
                        "create_endpoint",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    ),
                };
                let supported = strings(
                    &ops,
                    &format!("SELECT zone_id FROM service_resources WHERE service_id = '{s}'"),
                )
                .await;
                let mut zones = Vec::new();
                for (id, v, zone, cidr) in &vpc_owner.vswitches {
                    let fits = supported.contains(zone);
                    if *v == vpc
                        && !zones.iter().any(|z: &NewZone| z.zone_id == *zone)
                        && rng.chance(if fits { 70 } else { 10 })
                    {
                        zones.push(NewZone {
                            zone_id: zone.clone(),
                            vswitch_id: id.clone(),
                            ip: rng.chance(25).then(|| random_ip(rng, cidr)),
                        });
                    }
                }
                let in_vpc: Vec<String> = vpc_owner
                    .sgs
                    .iter()
                    .filter(|(_, v)| *v == vpc)
                    .map(|(id, _)| id.clone())
                    .collect();
                let mut sgs: Vec<String> = Vec::new();
                if rng.chance(90)
                    && let Some(first) = rng.pick(&in_vpc)
                {
                    sgs.push(first.clone());
                }
                for g in &in_vpc {
                    if !sgs.contains(g) && rng.chance(20) {
                        sgs.push(g.clone());
                    }
                }
                let r = ops
                    .create_endpoint(
                        &ctx,
                        NewEndpoint {
                            region_id: REGION.into(),
                            vpc_id: vpc,
                            service_id: Some(s),
                            security_group_ids: sgs,
                            zones,
                            name: "random".into(),
                            ..Default::default()
                        },
                    )
                    .await;
                let target = r.as_ref().ok().map(|e| e.id.clone());
                done!("create_endpoint", target, r)
            }
            35..=39 => {
                let Some((e, owner, _)) = ep else {
                    done!(
                        "add_zone",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let c = owner_ctx(&owner);
                let o = self.accounts.iter().find(|a| a.id == c.account_id);
                let Some((vsw, _, zone, cidr)) = o.and_then(|o| rng.pick(&o.vswitches)).cloned()
                else {
                    done!(
                        "add_zone",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let r = ops
                    .add_zone(
                        &c,
                        &e,
                        NewZone {
                            zone_id: zone,
                            vswitch_id: vsw,
                            ip: rng.chance(25).then(|| random_ip(rng, &cidr)),
                        },
                    )
                    .await;
                done!("add_zone", Some(e), r)
            }
            40..=43 => {
                let Some((e, owner, _)) = ep else {
                    done!(
                        "remove_zone",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let zone = zone_of(&ops, &e, rng).await;
                let r = ops.remove_zone(&owner_ctx(&owner), &e, &zone).await;
                done!("remove_zone", Some(e), r)
            }
            44..=54 => {
                let Some((e, _, s)) = ep else {
                    done!(
                        "accept",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let owner = provider_of(&services, &s);
                let s = if rng.chance(10) {
                    svc.map_or(s, |x| x.0)
                } else {
                    s
                };
                let r = ops
                    .accept_connection(&owner_ctx(&owner), &s, &e, bandwidth, None)
                    .await;
                if r.is_ok() {
                    self.rejected.remove(&e);
                }
                done!("accept", Some(e), r)
            }
            55..=58 => {
                let Some((e, _, s)) = ep else {
                    done!(
                        "reject",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let owner = provider_of(&services, &s);
                let r = ops
                    .reject_connection(&owner_ctx(&owner), &s, &e, Some("random"))
                    .await;
                if r.is_ok() && !dry {
                    self.rejected.insert(e.clone());
                }
                done!("reject", Some(e), r)
            }
            59..=62 => {
                let Some((e, _, s)) = ep else {
                    done!(
                        "bandwidth",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let owner = provider_of(&services, &s);
                let r = ops
                    .set_connection_bandwidth(&owner_ctx(&owner), &s, &e, bandwidth, None)
                    .await;
                done!("bandwidth", Some(e), r)
            }
            63..=66 => {
                let Some((e, _, s)) = ep else {
                    done!(
                        "zone_connection",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let owner = provider_of(&services, &s);
                let r = ops
                    .set_zone_connection(
                        &owner_ctx(&owner),
                        &s,
                        &e,
                        &zone_of(&ops, &e, rng).await,
                        rng.chance(50),
                    )
                    .await;
                done!("zone_connection", Some(e), r)
            }
            67..=71 => {
                let Some((e, owner, _)) = ep else {
                    done!(
                        "sg",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let c = owner_ctx(&owner);
                // Mostly a group of the endpoint's VPC, sometimes anybody's.
                let sgs: Vec<String> = if rng.chance(80) {
                    strings(
                        &ops,
                        &format!(
                            "SELECT g.id FROM security_groups g JOIN endpoints e ON e.vpc_id = g.vpc_id
                             WHERE e.id = '{e}' ORDER BY g.id"
                        ),
                    )
                    .await
                } else {
                    self.accounts
                        .iter()
                        .flat_map(|a| a.sgs.iter().map(|(id, _)| id.clone()))
                        .collect()
                };
                let sg = rng.pick(&sgs).unwrap().clone();
                let r = if rng.chance(50) {
                    ops.attach_sg(&c, &e, &sg).await
                } else {
                    ops.detach_sg(&c, &e, &sg).await
                };
                done!("sg", Some(e), r)
            }
            72..=73 => {
                let who = rng.pick(&all_ids).unwrap().clone();
                self.last_dry = false;
                let on = rng.chance(35);
                let r = ops.set_overdue(&ctx_of(&acct.id, false), &who, on).await;
                done!(if on { "overdue_on" } else { "overdue_off" }, Some(who), r)
            }
            74..=75 => {
                self.last_dry = false;
                let r = ops
                    .set_zone_outage(
                        &ctx_of(&acct.id, false),
                        ZONES[rng.below(3)],
                        rng.chance(50),
                    )
                    .await;
                done!("zone_outage", None, r)
            }
            76..=78 => {
                let Some((e, owner, _)) = ep else {
                    done!(
                        "delete_endpoint",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    );
                };
                let r = ops.delete_endpoint(&owner_ctx(&owner), &e).await;
                done!("delete_endpoint", Some(e), r)
            }
            79..=82 => {
                // Tag or untag an endpoint or a service, usually as its owner.
                let (target, id, owner) = match (rng.chance(50), &ep, &svc) {
                    (true, Some((e, owner, _)), _) => {
                        (TagTarget::Endpoint, e.clone(), owner.clone())
                    }
                    (_, _, Some((s, owner))) => (TagTarget::Service, s.clone(), owner.clone()),
                    _ => done!(
                        "tag",
                        None,
                        Err::<(), ApiError>(ApiError::new("Skipped", "nothing to act on"))
                    ),
                };
                let ids = vec![id.clone()];
                let key = |rng: &mut Rng| format!("k{}", rng.below(25));
                if rng.chance(70) {
                    let mut tags: Vec<(String, String)> = (0..1 + rng.below(6))
                        .map(|_| (key(rng), format!("v{}", rng.below(3))))
                        .collect();
                    if !rng.chance(15) {
                        // Mostly distinct keys; sometimes a duplicate, which must be refused.
                        let mut seen = HashSet::new();
                        tags.retain(|(k, _)| seen.insert(k.clone()));
                    }
                    let r = ops
                        .tag_resources(&owner_ctx(&owner), target, &ids, &tags)
                        .await;
                    done!("tag_resources", Some(id), r)
                } else {
                    // Usually a key the resource carries, sometimes one it does not.
                    let have = strings(
                        &ops,
                        &format!("SELECT tag_key FROM tags WHERE resource_id = '{id}' ORDER BY 1"),
                    )
                    .await;
                    let keys = match rng.pick(&have) {
                        Some(k) if rng.chance(80) => vec![k.clone()],
                        _ => vec![key(rng)],
                    };
                    let r = ops
                        .untag_resources(&owner_ctx(&owner), target, &ids, &keys, false)
                        .await;
                    done!("untag_resources", Some(id), r)
                }
            }
            _ => {
                self.last_dry = false;
                let r = ops.advance_due().await;
                done!("advance_due", None, r)
            }
        }
    }

    /// Checks every invariant; `Err` describes the first violation.
    async fn check(
        &mut self,
        touched: Option<&str>,
        full: bool,
        rng: &mut Rng,
    ) -> Result<(), String> {
        let ops = &self.ops;
        let pool = &ops.pool;
        // Statuses.
        let conns = sqlx::query_as::<Db, (String, String, String, String, String, Option<i64>)>(
            "SELECT endpoint_id, service_id, endpoint_owner_id, service_owner_id, status, due_at FROM connections",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let endpoints = sqlx::query_as::<Db, (String, String, String, String, Option<i64>)>(
            "SELECT id, account_id, service_id, status, due_at FROM endpoints",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let services = sqlx::query_as::<Db, (String, String, String, Option<i64>)>(
            "SELECT id, account_id, status, due_at FROM endpoint_services",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let zones = sqlx::query_as::<Db, (String, String, String, String, String, String, Option<i64>)>(
            "SELECT endpoint_id, zone_id, vswitch_id, eni_id, ip, status, due_at FROM endpoint_zones",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let allocs = sqlx::query_as::<Db, (String, String, String, String)>(
            "SELECT vswitch_id, ip, owner_kind, owner_id FROM ip_allocations",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let vswitch_cidr: HashMap<String, String> =
            sqlx::query_as::<Db, (String, String)>("SELECT id, cidr FROM vswitches")
                .fetch_all(pool)
                .await
                .unwrap()
                .into_iter()
                .collect();
        let lbs: HashSet<String> = strings(ops, "SELECT id FROM load_balancers")
            .await
            .into_iter()
            .collect();

        let svc_by_id: HashMap<&str, (&str, &str)> = services
            .iter()
            .map(|(id, a, s, _)| (id.as_str(), (a.as_str(), s.as_str())))
            .collect();
        for (id, _, status, due) in &services {
            if !RESOURCE_STATUSES.contains(&status.as_str()) {
                return Err(format!("service {id} has status {status}"));
            }
            if status != "Active" && due.is_none() {
                return Err(format!("service {id} is stuck in {status} (no due time)"));
            }
        }
        let ep_by_id: HashMap<&str, (&str, &str, &str)> = endpoints
            .iter()
            .map(|(id, a, s, st, _)| (id.as_str(), (a.as_str(), s.as_str(), st.as_str())))
            .collect();
        for (id, _, _, status, due) in &endpoints {
            if !RESOURCE_STATUSES.contains(&status.as_str()) {
                return Err(format!("endpoint {id} has status {status}"));
            }
            if status != "Active" && due.is_none() {
                return Err(format!("endpoint {id} is stuck in {status} (no due time)"));
            }
        }
        let conn_by_ep: HashMap<&str, &str> =
            conns.iter().map(|k| (k.0.as_str(), k.4.as_str())).collect();
        for (ep, s, ep_owner, s_owner, status, due) in &conns {
            let Some(k_st) = Conn::parse(status) else {
                return Err(format!("connection {ep} has status {status}"));
            };
            let Some((owner, service, ep_status)) = ep_by_id.get(ep.as_str()) else {
                return Err(format!("connection {ep} has no endpoint"));
            };
            if owner != ep_owner || service != s {
                return Err(format!(
                    "connection {ep} says owner {ep_owner} / service {s}, the endpoint says {owner} / {service}"
                ));
            }
            match svc_by_id.get(s.as_str()) {
                Some((so, _)) if so != s_owner => {
                    return Err(format!(
                        "connection {ep} says service owner {s_owner}, service {s} is owned by {so}"
                    ));
                }
                Some(_) if k_st == Conn::ServiceDeleted => {
                    return Err(format!("connection {ep} is ServiceDeleted, {s} exists"));
                }
                None if k_st != Conn::ServiceDeleted && k_st != Conn::Deleting => {
                    return Err(format!("connection {ep} is {status}, service {s} is gone"));
                }
                _ => {}
            }
            if k_st.is_transitional() && k_st != Conn::Deleting && due.is_none() {
                return Err(format!(
                    "connection {ep} is stuck in {status} (no due time)"
                ));
            }
            if k_st == Conn::Deleting && *ep_status != "Deleting" {
                return Err(format!(
                    "connection {ep} is Deleting, its endpoint is {ep_status}"
                ));
            }
            if let Some(prev) = self.prev_conn.get(ep)
                && prev != status
                && !Conn::parse(prev).is_some_and(|p| p.can_move(k_st))
            {
                return Err(format!(
                    "connection {ep} moved {prev} -> {status}, not an edge of the machine"
                ));
            }
            if !self.prev_conn.contains_key(ep)
                && k_st != Conn::Disconnected
                && k_st != Conn::Connecting
            {
                return Err(format!("new connection {ep} starts as {status}"));
            }
            if self.rejected.contains(ep)
                && k_st == Conn::Connecting
                && self.prev_conn.get(ep).is_some_and(|p| p != status)
            {
                return Err(format!(
                    "connection {ep} was rejected by its provider but reconnected without an accept"
                ));
            }
        }
        for (id, ..) in &endpoints {
            if !conn_by_ep.contains_key(id.as_str()) {
                return Err(format!("endpoint {id} has no connection"));
            }
        }
        for (k, prev) in &self.prev_conn {
            if !conn_by_ep.contains_key(k.as_str()) && ep_by_id.contains_key(k.as_str()) {
                return Err(format!(
                    "connection {k} ({prev}) vanished, its endpoint is left"
                ));
            }
        }
        // Zones and addresses.
        let mut alloc_by_key: HashMap<(&str, &str), Vec<(&str, &str)>> = HashMap::new();
        for (v, ip, kind, owner) in &allocs {
            alloc_by_key
                .entry((v.as_str(), ip.as_str()))
                .or_default()
                .push((kind.as_str(), owner.as_str()));
        }
        let mut enis: HashMap<&str, (&str, &str)> = HashMap::new();
        for (ep, zone, vsw, eni, ip, status, due) in &zones {
            if !ZONE_STATUSES.contains(&status.as_str()) {
                return Err(format!("zone {zone} of {ep} has status {status}"));
            }
            let Some((_, _, ep_status)) = ep_by_id.get(ep.as_str()) else {
                return Err(format!("zone {zone} of {ep} has no endpoint"));
            };
            let transitional = matches!(
                status.as_str(),
                "Creating" | "Connecting" | "Disconnecting" | "Deleting"
            );
            if transitional && due.is_none() && *ep_status != "Deleting" {
                return Err(format!(
                    "zone {zone} of {ep} is stuck in {status} (no due time)"
                ));
            }
            let key = (ep.clone(), zone.clone());
            if let Some(prev) = self.prev_zone.get(&key)
                && prev == "Deleting"
                && status != "Deleting"
            {
                return Err(format!(
                    "zone {zone} of {ep} was being removed and came back as {status}"
                ));
            }
            if let Some(k) = conn_by_ep.get(ep.as_str())
                && matches!(*k, "Disconnected" | "ServiceDeleted")
                && matches!(status.as_str(), "Connected" | "Connecting")
            {
                return Err(format!(
                    "zone {zone} of {ep} is {status} while its connection is {k}"
                ));
            }
            if enis
                .insert(eni.as_str(), (vsw.as_str(), ip.as_str()))
                .is_some()
            {
                return Err(format!("ENI {eni} serves two zones"));
            }
            match alloc_by_key
                .get(&(vsw.as_str(), ip.as_str()))
                .map(Vec::as_slice)
            {
                Some([(kind, owner)]) if *kind == "eni" && owner == eni => {}
                other => {
                    return Err(format!(
                        "zone {zone} of {ep} uses {ip} in {vsw}, allocations: {other:?}"
                    ));
                }
            }
            let Some(cidr) = vswitch_cidr.get(vsw) else {
                return Err(format!("zone {zone} of {ep} is in unknown vSwitch {vsw}"));
            };
            let (net, len) = parse_cidr(cidr).unwrap();
            let (first, last) = usable_range(cidr).unwrap();
            let n = parse_ipv4(ip).ok_or_else(|| format!("bad IP {ip}"))?;
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            if n & mask != net || n < first || n > last {
                return Err(format!("{ip} of {ep} lies outside {vsw} ({cidr})"));
            }
        }
        for (v, ip, kind, owner) in &allocs {
            let ok = match kind.as_str() {
                "eni" => enis.get(owner.as_str()) == Some(&(v.as_str(), ip.as_str())),
                "lb" => lbs.contains(owner),
                _ => false,
            };
            if !ok {
                return Err(format!(
                    "allocation {ip} in {v} held by {kind} {owner} belongs to nothing"
                ));
            }
            let cidr = vswitch_cidr
                .get(v)
                .ok_or_else(|| format!("allocation in unknown {v}"))?;
            if parse_ipv4(ip).is_none_or(|n| {
                let (net, len) = parse_cidr(cidr).unwrap();
                n & (u32::MAX << (32 - len)) != net
            }) {
                return Err(format!("allocation {ip} lies outside {v} ({cidr})"));
            }
        }
        // Visibility through the operation layer: a sample every step, everything now and then.
        let ids: Vec<String> = self.accounts.iter().map(|a| a.id.clone()).collect();
        let mut ep_sample: Vec<&str> = Vec::new();
        let mut svc_sample: Vec<&str> = Vec::new();
        if full {
            ep_sample.extend(endpoints.iter().map(|e| e.0.as_str()));
            svc_sample.extend(services.iter().map(|s| s.0.as_str()));
        } else {
            for _ in 0..1 {
                if let Some(e) = rng.pick(&endpoints) {
                    ep_sample.push(&e.0);
                }
                if let Some(s) = rng.pick(&services) {
                    svc_sample.push(&s.0);
                }
            }
            if let Some(t) = touched {
                ep_sample.extend(ep_by_id.get_key_value(t).map(|(k, _)| *k));
                svc_sample.extend(svc_by_id.get_key_value(t).map(|(k, _)| *k));
            }
        }
        for e in ep_sample.clone() {
            let (owner, service, _) = ep_by_id[e];
            for a in &ids {
                let r = ops.get_endpoint(&ctx_of(a, false), e).await;
                match (a == owner, r) {
                    (true, Ok(v)) if v.id == e && v.owner_id == owner => {}
                    (false, Err(err)) if err.code == "EndpointNotFound" => {}
                    (mine, r) => {
                        return Err(format!(
                            "get_endpoint({e}) by {a} (owner: {mine}): {:?}",
                            r.map(|v| v.owner_id)
                        ));
                    }
                }
                let r = ops.endpoint_connection(&ctx_of(a, false), e).await;
                if a != owner && !matches!(&r, Err(err) if err.code == "EndpointNotFound") {
                    return Err(format!("endpoint_connection({e}) by {a}: {r:?}"));
                }
                let provider = svc_by_id.get(service).map(|s| s.0);
                if provider != Some(a.as_str()) {
                    let r = ops
                        .accept_connection(&ctx_of(a, true), service, e, None, None)
                        .await;
                    if !matches!(&r, Err(err) if err.code == "EndpointServiceNotFound") {
                        return Err(format!("dry-run accept of {e} by non-provider {a}: {r:?}"));
                    }
                }
            }
        }
        for (target, id, owner) in ep_sample
            .iter()
            .map(|e| (TagTarget::Endpoint, *e, ep_by_id[e].0))
            .chain(
                svc_sample
                    .iter()
                    .map(|s| (TagTarget::Service, *s, svc_by_id[s].0)),
            )
        {
            let resource = vec![id.to_string()];
            for a in &ids {
                let page = ops
                    .list_tag_resources(&ctx_of(a, false), target, &resource, &[], None)
                    .await
                    .map_err(|e| format!("list_tag_resources({id}) by {a}: {e:?}"))?;
                if a != owner && !page.items.is_empty() {
                    return Err(format!("{a} sees the tags of {id}, owned by {owner}"));
                }
                if page.total > 20 {
                    return Err(format!("{id} carries {} tags", page.total));
                }
            }
        }
        for s in svc_sample {
            let (owner, _) = svc_by_id[s];
            for a in &ids {
                let r = ops.get_service(&ctx_of(a, false), s).await;
                match (a == owner, r) {
                    (true, Ok(v)) if v.id == s => {}
                    (false, Err(err)) if err.code == "EndpointServiceNotFound" => {}
                    (mine, r) => {
                        return Err(format!(
                            "get_service({s}) by {a} (owner: {mine}): {:?}",
                            r.map(|v| v.owner_id)
                        ));
                    }
                }
                if a != owner {
                    let r = ops
                        .list_connections(&ctx_of(a, false), s, &Default::default(), None, 50)
                        .await;
                    if !matches!(&r, Err(err) if err.code == "EndpointServiceNotFound") {
                        return Err(format!("list_connections({s}) by {a}: {:?}", r.is_ok()));
                    }
                }
            }
        }
        if full {
            for a in &ids {
                let mine = endpoints.iter().filter(|e| e.1 == *a).count();
                let page = ops
                    .list_endpoints(&ctx_of(a, false), REGION, &Default::default(), None, 1000)
                    .await
                    .map_err(|e| e.to_string())?;
                if page.items.iter().any(|v| v.owner_id != *a) || page.items.len() != mine {
                    return Err(format!(
                        "list_endpoints by {a}: {} items, {mine} owned",
                        page.items.len()
                    ));
                }
                // Walking small pages by NextToken yields every owned endpoint once, in id order.
                let mut walked = Vec::new();
                let mut token: Option<String> = None;
                loop {
                    let p = ops
                        .list_endpoints(
                            &ctx_of(a, false),
                            REGION,
                            &Default::default(),
                            token.as_deref(),
                            7,
                        )
                        .await
                        .map_err(|e| e.to_string())?;
                    if p.total != mine as i64 {
                        return Err(format!("list_endpoints total {} != {mine}", p.total));
                    }
                    walked.extend(p.items.into_iter().map(|v| v.id));
                    token = p.next_token;
                    if token.is_none() {
                        break;
                    }
                }
                let mut expected: Vec<String> = endpoints
                    .iter()
                    .filter(|e| e.1 == *a)
                    .map(|e| e.0.clone())
                    .collect();
                expected.sort();
                if walked != expected {
                    return Err(format!(
                        "paging list_endpoints by {a}: {walked:?} != {expected:?}"
                    ));
                }
                for (s, (owner, _)) in &svc_by_id {
                    if owner != a {
                        continue;
                    }
                    let mut walked = Vec::new();
                    let mut token: Option<String> = None;
                    loop {
                        let p = ops
                            .list_connections(
                                &ctx_of(a, false),
                                s,
                                &Default::default(),
                                token.as_deref(),
                                3,
                            )
                            .await
                            .map_err(|e| e.to_string())?;
                        walked.extend(p.items.into_iter().map(|k| k.endpoint_id));
                        token = p.next_token;
                        if token.is_none() {
                            break;
                        }
                    }
                    let mut expected: Vec<String> = conns
                        .iter()
                        .filter(|k| k.1 == *s)
                        .map(|k| k.0.clone())
                        .collect();
                    expected.sort();
                    if walked != expected {
                        return Err(format!("paging list_connections({s}): {walked:?}"));
                    }
                    let page = ops
                        .list_connections(&ctx_of(a, false), s, &Default::default(), None, 1000)
                        .await
                        .map_err(|e| e.to_string())?;
                    let expected = conns.iter().filter(|k| k.1 == *s).count();
                    if page.items.iter().any(|k| k.service_id != *s) || page.items.len() != expected
                    {
                        return Err(format!(
                            "list_connections({s}): {} items, {expected} expected",
                            page.items.len()
                        ));
                    }
                }
            }
        }
        self.prev_conn = conns.into_iter().map(|k| (k.0, k.4)).collect();
        self.prev_zone = zones.into_iter().map(|z| ((z.0, z.1), z.5)).collect();
        Ok(())
    }
}

/// Mostly one of the endpoint's zones, sometimes any zone.
async fn zone_of(ops: &Ops, endpoint: &str, rng: &mut Rng) -> String {
    let zones = strings(
        ops,
        &format!("SELECT zone_id FROM endpoint_zones WHERE endpoint_id = '{endpoint}' ORDER BY 1"),
    )
    .await;
    match rng.pick(&zones) {
        Some(z) if rng.chance(85) => z.clone(),
        _ => ZONES[rng.below(3)].to_string(),
    }
}

fn provider_of(services: &[(String, String)], service: &str) -> String {
    services
        .iter()
        .find(|s| s.0 == service)
        .map_or_else(|| PROVIDER.0.to_string(), |s| s.1.clone())
}

/// Some address of `cidr`: usually usable, sometimes reserved.
fn random_ip(rng: &mut Rng, cidr: &str) -> String {
    let (net, len) = parse_cidr(cidr).unwrap();
    let size = 1u64 << (32 - len);
    format_ipv4(net + (rng.next() % size.min(24)) as u32)
}

async fn run(seed: u64, steps: usize) {
    let (_app, mut w) = World::new(seed).await;
    let mut rng = Rng(seed.max(1));
    w.check(None, true, &mut rng)
        .await
        .unwrap_or_else(|e| panic!("seed {seed}, before step 0: {e}"));
    let mut counts: HashMap<String, (usize, HashMap<String, usize>)> = HashMap::new();
    for i in 0..steps {
        let before = w.snapshot().await;
        let (name, target, r) = w.step(&mut rng).await;
        let c = counts.entry(name.clone()).or_default();
        match &r {
            Ok(_) if w.last_dry && name != "advance_due" => {
                panic!("seed {seed}, step {i}: dry run of {name} on {target:?} succeeded")
            }
            Ok(_) => c.0 += 1,
            // An internal error is a bug (an illegal state move, a failed query), never a refusal.
            Err(e) if e.http_status >= 500 => {
                panic!("seed {seed}, step {i}: {name} on {target:?} failed: {e}")
            }
            Err(e) => *c.1.entry(e.code.clone()).or_default() += 1,
        }
        if r.is_err() || w.last_dry {
            let after = w.snapshot().await;
            assert_eq!(
                before, after,
                "seed {seed}, step {i}: {name} on {target:?} (dry run: {}) answered {r:?} but changed the store",
                w.last_dry
            );
        }
        if let Err(e) = w.check(target.as_deref(), i % 200 == 199, &mut rng).await {
            panic!("seed {seed}, step {i} ({name} on {target:?} -> {r:?}): {e}");
        }
    }
    let mut summary: Vec<_> = counts.into_iter().collect();
    summary.sort_by(|a, b| a.0.cmp(&b.0));
    eprintln!("seed {seed}: {steps} steps; per operation: succeeded, refused by code");
    for (name, (ok, refused)) in &summary {
        let mut refused: Vec<_> = refused.iter().collect();
        refused.sort();
        eprintln!("  {name}: {ok} ok, {refused:?}");
    }
    assert_enough_succeeded(seed, steps, &summary);
    let left = sqlx::query_scalar::<Db, i64>("SELECT COUNT(*) FROM endpoints")
        .fetch_one(&w.ops.pool)
        .await
        .unwrap();
    eprintln!("seed {seed}: {left} endpoints left");
}

/// How often an operation succeeded, and how often it was refused by each error code.
type Tally = (usize, HashMap<String, usize>);

/// A model that refuses everything keeps every invariant, so the run must also show that the
/// operations do work: every kind tried often enough succeeds at least once, the main path
/// (publish, create, accept, reject, delete) succeeds in proportion to the steps, and at least a
/// quarter of all steps change something.
fn assert_enough_succeeded(seed: u64, steps: usize, summary: &[(String, Tally)]) {
    // "Skipped": the step found nothing to act on and called no operation.
    let tried = |c: &Tally| {
        c.0 + c
            .1
            .iter()
            .filter(|r| r.0 != "Skipped")
            .map(|r| r.1)
            .sum::<usize>()
    };
    for (name, c) in summary {
        if tried(c) >= 20 {
            assert!(
                c.0 > 0,
                "seed {seed}: {name} was tried {} times and never succeeded: {:?}",
                tried(c),
                c.1
            );
        }
    }
    let floor = (steps / 400).max(1);
    for name in [
        "create_service",
        "create_endpoint",
        "accept",
        "reject",
        "delete_endpoint",
        "delete_service",
    ] {
        let ok = summary.iter().find(|s| s.0 == name).map_or(0, |s| s.1.0);
        assert!(
            ok >= floor,
            "seed {seed}: {name} succeeded {ok} times in {steps} steps (at least {floor} expected)"
        );
    }
    let changed: usize = summary
        .iter()
        .filter(|s| s.0 != "advance_due")
        .map(|s| s.1.0)
        .sum();
    assert!(
        changed * 4 >= steps,
        "seed {seed}: only {changed} of {steps} steps succeeded"
    );
}

fn seeds() -> Vec<u64> {
    match std::env::var("LINKYARD_SEED") {
        Ok(s) => s
            .split(',')
            .map(|x| x.trim().parse().expect("LINKYARD_SEED is a number"))
            .collect(),
        Err(_) => vec![0x5eed_0001],
    }
}

fn steps() -> usize {
    std::env::var("LINKYARD_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(800)
}

#[tokio::test]
async fn random_operations_keep_the_invariants() {
    for seed in seeds() {
        run(seed, steps()).await;
    }
}
