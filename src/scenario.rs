//! Declarative scenarios: accounts, their AccessKeys and their inventory per region, with explicit
//! ids, loaded through the operation layer. See README "Scenarios" for the format.

use crate::domain::ApiError;
use crate::domain::inventory::LbType;
use crate::ops::accounts::NewAccount;
use crate::ops::inventory::{NewLoadBalancer, NewSecurityGroup, NewVSwitch, NewVpc};
use crate::ops::services::{NewResource, NewService};
use crate::ops::{Ctx, Ops, Source};
use crate::store;
use serde::Deserialize;
use std::path::Path;

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Accounts that may use every demo tool (zone outages, reset, any account's payment) from a
    /// browser session they are signed in to. Each must be one of `accounts`.
    #[serde(default)]
    pub operators: Vec<String>,
    /// Who plays which part in the Demo page's guided tour (picked from the data when absent).
    #[serde(default)]
    pub tour: Option<ScenarioTour>,
    pub accounts: Vec<ScenarioAccount>,
}

/// The accounts the guided tour talks about, by id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioTour {
    /// Publishes the service.
    pub provider: String,
    /// Is whitelisted and connects.
    pub consumer: String,
    /// Is not whitelisted (optional).
    pub outsider: Option<String>,
}

impl Scenario {
    /// The tour's cast: the scenario's `[tour]` table, or picked from the data — the provider owns
    /// load balancers (the first that publishes a service, else the first with any), the consumer
    /// is another account that a provider's service whitelists (else the first other account with
    /// a VPC), the outsider is an account that is neither. `None` when no account can publish.
    pub fn tour_cast(&self) -> Option<crate::domain::tour::TourCast> {
        use crate::domain::tour::{TourAccount, TourCast};
        let named = |id: &str| {
            self.accounts
                .iter()
                .find(|a| a.id == id)
                .map(|a| TourAccount {
                    id: a.id.clone(),
                    name: a.name.clone(),
                })
        };
        if let Some(t) = &self.tour {
            return Some(TourCast {
                provider: named(&t.provider)?,
                consumer: named(&t.consumer)?,
                outsider: t.outsider.as_deref().and_then(named),
            });
        }
        let provider = self
            .accounts
            .iter()
            .find(|a| !a.services.is_empty())
            .or_else(|| self.accounts.iter().find(|a| !a.load_balancers.is_empty()))?;
        let whitelisted: Vec<&str> = provider
            .services
            .iter()
            .flat_map(|s| {
                s.whitelist
                    .iter()
                    .map(|w| w.trim_start_matches("acs:ram:*:").trim_end_matches(":*"))
            })
            .collect();
        let others = || self.accounts.iter().filter(|a| a.id != provider.id);
        let consumer = others()
            .find(|a| whitelisted.contains(&a.id.as_str()))
            .or_else(|| others().find(|a| !a.vpcs.is_empty()))?;
        let outsider =
            others().find(|a| a.id != consumer.id && !whitelisted.contains(&a.id.as_str()));
        Some(TourCast {
            provider: named(&provider.id)?,
            consumer: named(&consumer.id)?,
            outsider: outsider.and_then(|a| named(&a.id)),
        })
    }

    /// The ids of the scenario's accounts.
    pub fn account_ids(&self) -> Vec<String> {
        self.accounts.iter().map(|a| a.id.clone()).collect()
    }
}

/// One account with its keys and inventory.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioAccount {
    pub id: String,
    pub name: String,
    pub password: String,
    /// What this account plays in the demo (shown on the sign-in page).
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub access_keys: Vec<ScenarioKey>,
    #[serde(default)]
    pub vpcs: Vec<ScenarioVpc>,
    #[serde(default)]
    pub vswitches: Vec<ScenarioVSwitch>,
    #[serde(default)]
    pub security_groups: Vec<ScenarioSecurityGroup>,
    #[serde(default)]
    pub load_balancers: Vec<ScenarioLoadBalancer>,
    #[serde(default)]
    pub services: Vec<ScenarioService>,
}

/// An endpoint service published by the account, with its whitelist.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioService {
    pub id: Option<String>,
    pub region: String,
    #[serde(default)]
    pub description: String,
    /// clb (slb), alb, nlb or gwlb.
    pub resource_type: String,
    pub resources: Vec<ScenarioResource>,
    #[serde(default)]
    pub auto_accept: bool,
    #[serde(default)]
    pub address_ip_version: Option<String>,
    /// Account ids allowed to connect.
    #[serde(default)]
    pub whitelist: Vec<String>,
}

/// A load balancer behind a service, in one zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioResource {
    pub id: String,
    pub zone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioKey {
    pub id: String,
    pub secret: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioVpc {
    pub id: String,
    pub region: String,
    #[serde(default)]
    pub name: String,
    pub cidr: String,
    pub ipv6_cidr: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioVSwitch {
    pub id: String,
    pub vpc: String,
    pub zone: String,
    pub cidr: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSecurityGroup {
    pub id: String,
    pub vpc: String,
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type")]
    pub sg_type: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioLoadBalancer {
    pub id: String,
    pub vpc: String,
    #[serde(rename = "type")]
    pub lb_type: LbType,
    #[serde(default)]
    pub name: String,
    pub zones: Vec<String>,
    #[serde(default)]
    pub dual_stack: bool,
    #[serde(default = "yes")]
    pub privatelink_supported: bool,
    /// TCP listeners and the backends behind them (the data plane proxies to these).
    #[serde(default)]
    pub listeners: Vec<ScenarioListener>,
}

/// A load-balancer listener: `{ port = 80, backend = "127.0.0.1:8080" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioListener {
    pub port: i64,
    #[serde(default = "tcp")]
    pub protocol: String,
    /// A loopback `ip:port`.
    pub backend: String,
}

fn tcp() -> String {
    "TCP".into()
}

fn yes() -> bool {
    true
}

/// Reads and parses a scenario file; the error names the file and what is wrong.
pub fn read(path: &Path) -> Result<Scenario, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read scenario file {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("scenario file {} is not valid: {e}", path.display()))
}

/// Parses scenario TOML.
pub fn parse(text: &str) -> Result<Scenario, String> {
    let s: Scenario =
        toml::from_str(text).map_err(|e| e.message().to_string() + &location(text, e.span()))?;
    if s.accounts.is_empty() {
        return Err("a scenario needs at least one account".into());
    }
    if let Some(t) = &s.tour
        && let Some(id) = [Some(&t.provider), Some(&t.consumer), t.outsider.as_ref()]
            .into_iter()
            .flatten()
            .find(|id| !s.accounts.iter().any(|a| &a.id == *id))
    {
        return Err(format!(
            "tour account `{id}` is not one of the scenario's accounts"
        ));
    }
    if let Some(op) = s
        .operators
        .iter()
        .find(|op| !s.accounts.iter().any(|a| &a.id == *op))
    {
        return Err(format!(
            "operator `{op}` is not one of the scenario's accounts"
        ));
    }
    Ok(s)
}

fn location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|r| {
        format!(
            " (line {})",
            text[..r.start.min(text.len())].lines().count().max(1)
        )
    })
    .unwrap_or_default()
}

/// Loads `scenario` into the store. Refuses a non-empty store unless `reset` is set, in which case
/// everything is deleted first.
pub async fn load(ops: &Ops, scenario: &Scenario, reset: bool) -> Result<(), String> {
    // The check and the wipe go through the writer, in one transaction.
    let mut tx = ops.write_tx().await.map_err(|e| e.message)?;
    let existing = store::accounts::count(&mut tx)
        .await
        .map_err(|e| e.to_string())?;
    if existing > 0 && !reset {
        return Err(format!(
            "the store already holds {existing} account(s); pass --reset to replace its contents with scenario `{}`",
            scenario.name
        ));
    }
    if existing > 0 {
        store::accounts::wipe(&mut tx)
            .await
            .map_err(|e| e.to_string())?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    ops.ensure_catalogue().await.map_err(|e| e.to_string())?;
    let fail = |what: String| move |e: ApiError| format!("{what}: {} ({})", e.message, e.code);
    for a in &scenario.accounts {
        ops.create_account(NewAccount {
            id: &a.id,
            name: &a.name,
            password: &a.password,
            is_platform: false,
        })
        .await
        .map_err(fail(format!("account {}", a.id)))?;
        for k in &a.access_keys {
            ops.add_access_key(&a.id, &k.id, &k.secret)
                .await
                .map_err(fail(format!("access key {}", k.id)))?;
        }
        let ctx = Ctx::new(a.id.clone(), Source::System);
        for v in &a.vpcs {
            ops.create_vpc(
                &ctx,
                NewVpc {
                    id: Some(v.id.clone()),
                    region_id: v.region.clone(),
                    name: v.name.clone(),
                    cidr: v.cidr.clone(),
                    ipv6_cidr: v.ipv6_cidr.clone(),
                },
            )
            .await
            .map_err(fail(format!("vpc {}", v.id)))?;
        }
        for v in &a.vswitches {
            ops.create_vswitch(
                &ctx,
                NewVSwitch {
                    id: Some(v.id.clone()),
                    vpc_id: v.vpc.clone(),
                    zone_id: v.zone.clone(),
                    name: v.name.clone(),
                    cidr: v.cidr.clone(),
                },
            )
            .await
            .map_err(fail(format!("vswitch {}", v.id)))?;
        }
        for s in &a.security_groups {
            ops.create_security_group(
                &ctx,
                NewSecurityGroup {
                    id: Some(s.id.clone()),
                    vpc_id: s.vpc.clone(),
                    name: s.name.clone(),
                    sg_type: s.sg_type.clone(),
                },
            )
            .await
            .map_err(fail(format!("security group {}", s.id)))?;
        }
        for l in &a.load_balancers {
            ops.create_load_balancer(
                &ctx,
                NewLoadBalancer {
                    id: Some(l.id.clone()),
                    vpc_id: l.vpc.clone(),
                    lb_type: l.lb_type,
                    name: l.name.clone(),
                    zones: l.zones.clone(),
                    dual_stack: l.dual_stack,
                    privatelink_supported: l.privatelink_supported,
                },
            )
            .await
            .map_err(fail(format!("load balancer {}", l.id)))?;
            for li in &l.listeners {
                ops.set_listener(&ctx, &l.id, li.port, &li.protocol, &li.backend)
                    .await
                    .map_err(fail(format!("listener {} of {}", li.port, l.id)))?;
            }
        }
    }
    // Services last: they reference inventory and whitelist other accounts.
    let quick = ops.without_delay();
    for a in &scenario.accounts {
        let ctx = Ctx::new(a.id.clone(), Source::System);
        for s in &a.services {
            let label = s.id.clone().unwrap_or_else(|| s.description.clone());
            let svc = quick
                .create_service(
                    &ctx,
                    NewService {
                        id: s.id.clone(),
                        region_id: s.region.clone(),
                        description: s.description.clone(),
                        auto_accept: s.auto_accept,
                        resource_type: Some(s.resource_type.clone()),
                        resources: s
                            .resources
                            .iter()
                            .map(|r| NewResource {
                                resource_id: r.id.clone(),
                                resource_type: None,
                                zone_id: r.zone.clone(),
                            })
                            .collect(),
                        address_ip_version: s.address_ip_version.clone(),
                        ..Default::default()
                    },
                )
                .await
                .map_err(fail(format!("service {label}")))?;
            quick
                .advance_due()
                .await
                .map_err(fail(format!("service {label}")))?;
            for user in &s.whitelist {
                quick
                    .add_whitelist(&ctx, &svc.id, Some(user), None, "")
                    .await
                    .map_err(fail(format!("whitelist of {label}")))?;
            }
        }
    }
    tracing::info!(scenario = %scenario.name, accounts = scenario.accounts.len(), "scenario loaded");
    Ok(())
}

/// Demo reset (demo mode, see [`crate::ops::faults::DemoAccess`] for who may): replaces the store's
/// contents with `scenario` in one transaction, audited as `ResetDemo`. Every account's open pages
/// are told to refresh.
pub async fn reset(
    ops: &Ops,
    ctx: &Ctx,
    access: &crate::ops::faults::DemoAccess,
    scenario: Option<&Scenario>,
) -> Result<(), ApiError> {
    ops.require_demo_tools()?;
    let Some(scenario) = scenario else {
        return Err(ApiError::demo_tools_forbidden(
            "The server was started without a scenario to reset to.",
        ));
    };
    ops.authorize_demo_global_tool(access)?;
    replace(ops, scenario, ctx).await.map_err(|e| {
        tracing::error!(error = %e, scenario = %scenario.name, "demo reset failed");
        ApiError::new("ScenarioLoadFailed", e).status(500)
    })?;
    tracing::info!(by = %ctx.account_id, scenario = %scenario.name, "demo reset");
    Ok(())
}

/// Replaces the store's contents with `scenario` atomically: the scenario is first loaded into a
/// staging database (a temporary SQLite file, or a temporary schema of the PostgreSQL database),
/// then, in one write transaction, the store is emptied, the staging rows are copied in and the
/// reset is audited (`ResetDemo` by `ctx`, a row that survives the reset). Readers see the old
/// store until the commit and the new one after it, never a half-loaded one.
pub async fn replace(ops: &Ops, scenario: &Scenario, ctx: &Ctx) -> Result<(), String> {
    // The copy bypasses `Ops::write_tx`: cached reads go stale once it ends, whatever happened.
    let bump = ops.generation.bump_on_drop();
    let event = match store::backend(&ops.pool) {
        store::Backend::Sqlite => replace_sqlite(ops, scenario, ctx).await?,
        store::Backend::Postgres => replace_postgres(ops, scenario, ctx).await?,
    };
    drop(bump);
    // The endpoints the traffic generators sent through are gone.
    ops.generators.stop_all();
    ops.publish([event]);
    ops.wake();
    Ok(())
}

/// Loads `scenario` into the empty, migrated store `staging` with this server's clock and seal key
/// (secrets are sealed while loading, and the rows are copied over as they are).
async fn load_staging(
    ops: &Ops,
    staging: &store::DbPool,
    scenario: &Scenario,
) -> Result<(), String> {
    store::migrate(staging).await?;
    let mut staging_ops = Ops::new(staging.clone(), crate::events::Bus::new(), 0);
    staging_ops.clock = ops.clock.clone();
    staging_ops.seal = ops.seal.clone();
    let loaded = load(&staging_ops, scenario, false).await;
    staging.close().await;
    loaded
}

async fn replace_sqlite(
    ops: &Ops,
    scenario: &Scenario,
    ctx: &Ctx,
) -> Result<crate::domain::event::LiveEvent, String> {
    let path = std::env::temp_dir().join(format!("linkyard-staging-{}.db", uuid::Uuid::new_v4()));
    let _cleanup = RemoveOnDrop(path.clone());
    let staging = store::connect(&format!("sqlite://{}", path.display())).await?;
    load_staging(ops, &staging, scenario).await?;

    let mut conn = ops.write_pool.acquire().await.map_err(|e| e.to_string())?;
    sqlx::query::<store::Db>("ATTACH DATABASE $1 AS staging")
        .bind(path.display().to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| format!("cannot open the staging database: {e}"))?;
    let copied = copy_into_sqlite(ops, &mut conn, scenario, ctx).await;
    // Detach whatever happened (a failed transaction rolls back first).
    if let Err(e) = sqlx::query::<store::Db>("DETACH DATABASE staging")
        .execute(&mut *conn)
        .await
    {
        tracing::warn!(error = %e, "could not detach the staging database");
    }
    copied.map_err(|e| format!("cannot replace the store: {e}"))
}

async fn copy_into_sqlite(
    ops: &Ops,
    conn: &mut store::Conn,
    scenario: &Scenario,
    ctx: &Ctx,
) -> Result<crate::domain::event::LiveEvent, ApiError> {
    use sqlx::Connection;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query::<store::Db>("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *tx)
        .await?;
    copy_from_staging(ops, tx, "main.", "staging.", scenario, ctx).await
}

async fn replace_postgres(
    ops: &Ops,
    scenario: &Scenario,
    ctx: &Ctx,
) -> Result<crate::domain::event::LiveEvent, String> {
    let schema = format!("linkyard_staging_{}", uuid::Uuid::new_v4().simple());
    sqlx::query::<store::Db>(&format!("CREATE SCHEMA {schema}"))
        .execute(&ops.pool)
        .await
        .map_err(|e| format!("cannot create the staging schema: {e}"))?;
    let url = ops.pool.connect_options().database_url.to_string();
    let sep = if url.contains('?') { '&' } else { '?' };
    let staging_url = format!("{url}{sep}options=-c%20search_path%3D{schema}");
    let result = async {
        let staging = store::connect(&staging_url).await?;
        load_staging(ops, &staging, scenario).await?;
        let tx = store::begin_write(&ops.write_pool)
            .await
            .map_err(|e| e.to_string())?;
        copy_from_staging(ops, tx, "", &format!("{schema}."), scenario, ctx)
            .await
            .map_err(|e| format!("cannot replace the store: {e}"))
    }
    .await;
    if let Err(e) = sqlx::query::<store::Db>(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&ops.pool)
        .await
    {
        tracing::warn!(error = %e, %schema, "could not drop the staging schema");
    }
    result
}

/// In `tx`: empties the store, copies every table from `from` (a schema prefix such as
/// `staging.`) into `into`, audits the reset and commits.
async fn copy_from_staging(
    ops: &Ops,
    mut tx: sqlx::Transaction<'_, store::Db>,
    into: &str,
    from: &str,
    scenario: &Scenario,
    ctx: &Ctx,
) -> Result<crate::domain::event::LiveEvent, ApiError> {
    store::accounts::wipe(&mut tx).await?;
    for table in store::accounts::TABLES.iter().rev() {
        sqlx::query::<store::Db>(&format!(
            "INSERT INTO {into}{table} SELECT * FROM {from}{table}"
        ))
        .execute(&mut *tx)
        .await?;
    }
    store::accounts::restart_ids(&mut tx).await?;
    let event = ops
        .record(
            &mut tx,
            ctx,
            crate::ops::audit::Change {
                topic: "demo",
                action: "ResetDemo",
                target: scenario.name.clone(),
                region_id: String::new(),
                summary: format!("reset the demo to scenario `{}`", scenario.name),
                before: None,
                after: None,
                audience: scenario.account_ids(),
            },
        )
        .await?;
    tx.commit().await?;
    Ok(event)
}

/// Deletes a temporary SQLite file (and its WAL files) when dropped.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reports_the_line() {
        let err = parse("name = \"x\"\n[[accounts]]\nid = 5\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(
            parse("name = \"x\"\naccounts = []\n")
                .unwrap_err()
                .contains("at least one account")
        );
    }

    #[test]
    fn the_tour_cast_comes_from_the_data_or_the_tour_table() {
        let demo = parse(include_str!("../scenarios/demo.toml")).unwrap();
        let cast = demo.tour_cast().unwrap();
        assert_eq!(cast.provider.name, "Northwind Data");
        assert_eq!(cast.consumer.name, "Contoso Retail");
        assert_eq!(cast.outsider.unwrap().name, "Fabrikam Labs");

        let other = r#"
name = "other"
[[accounts]]
id = "2000000000000001"
name = "Acme Shop"
password = "x"
vpcs = [{ id = "vpc-bp1acme00000000000001", region = "cn-hangzhou", cidr = "10.1.0.0/16" }]
[[accounts]]
id = "2000000000000002"
name = "Globex Data"
password = "x"
vpcs = [{ id = "vpc-bp1globex0000000001", region = "cn-hangzhou", cidr = "10.2.0.0/16" }]
load_balancers = [{ id = "nlb-bp1globex000000001", vpc = "vpc-bp1globex0000000001", type = "nlb", zones = ["cn-hangzhou-h"] }]
"#;
        let s = parse(other).unwrap();
        let cast = s.tour_cast().unwrap();
        assert_eq!(cast.provider.name, "Globex Data");
        assert_eq!(cast.consumer.name, "Acme Shop");
        assert!(cast.outsider.is_none());

        let named = other.replace(
            "name = \"other\"\n",
            "name = \"other\"\ntour = { provider = \"2000000000000002\", consumer = \"2000000000000001\" }\n",
        );
        assert_eq!(
            parse(&named).unwrap().tour_cast().unwrap().consumer.id,
            "2000000000000001"
        );
        let wrong = other.replace(
            "name = \"other\"\n",
            "name = \"other\"\ntour = { provider = \"9\", consumer = \"2000000000000001\" }\n",
        );
        assert!(parse(&wrong).unwrap_err().contains("tour account `9`"));
    }

    #[test]
    fn bundled_demo_parses() {
        let s = parse(include_str!("../scenarios/demo.toml")).unwrap();
        assert!(s.accounts.len() >= 3);
    }
}
