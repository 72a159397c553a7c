//! Tags, resource groups and ClientToken idempotency through the operation layer, on a real
//! SQLite file with the demo scenario.

mod common;

use common::{CONSUMER, PROVIDER, demo_app};
use linkyard::ops::audit::AuditFilter;
use linkyard::ops::services::NewService;
use linkyard::ops::tags::TagTarget;
use linkyard::ops::{Ctx, Source};

const ORDERS: &str = "epsrv-bp1northwindorders01";

fn ctx(account: &str) -> Ctx {
    Ctx::new(account, Source::Api)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn tags_count_against_the_quota_across_calls_and_refusals_change_nothing() {
    let app = demo_app().await;
    let me = ctx(PROVIDER.0);
    let ids = vec![ORDERS.to_string()];
    let first: Vec<(String, String)> = (0..15).map(|i| (format!("k{i:02}"), "v".into())).collect();
    app.ops
        .tag_resources(&me, TagTarget::Service, &ids, &first)
        .await
        .unwrap();
    // Overwriting existing keys does not count; six new keys would make 21.
    let more: Vec<(String, String)> = (10..21).map(|i| (format!("k{i:02}"), "w".into())).collect();
    let err = app
        .ops
        .tag_resources(&me, TagTarget::Service, &ids, &more)
        .await
        .unwrap_err();
    assert_eq!(err.code, "QuotaExceed.TagsPerResource");
    let page = app
        .ops
        .list_tag_resources(&me, TagTarget::Service, &ids, &[], None)
        .await
        .unwrap();
    assert_eq!(page.total, 15);
    assert!(
        page.items.iter().all(|t| t.value == "v"),
        "refused call changed values"
    );
    // Five new keys are fine and overwrite k10..k14.
    let fits: Vec<(String, String)> = (10..20).map(|i| (format!("k{i:02}"), "w".into())).collect();
    app.ops
        .tag_resources(&me, TagTarget::Service, &ids, &fits)
        .await
        .unwrap();
    let page = app
        .ops
        .list_tag_resources(&me, TagTarget::Service, &ids, &[], None)
        .await
        .unwrap();
    assert_eq!(page.total, 20);
    assert_eq!(page.items.iter().filter(|t| t.value == "w").count(), 10);
}

#[tokio::test]
async fn other_accounts_cannot_tag_list_or_move_resources() {
    let app = demo_app().await;
    let stranger = ctx(CONSUMER.0);
    let ids = vec![ORDERS.to_string()];
    let err = app
        .ops
        .tag_resources(&stranger, TagTarget::Service, &ids, &pairs(&[("a", "b")]))
        .await
        .unwrap_err();
    assert_eq!(err.code, "InvalidResourceId.NotFound");
    app.ops
        .tag_resources(
            &ctx(PROVIDER.0),
            TagTarget::Service,
            &ids,
            &pairs(&[("a", "b")]),
        )
        .await
        .unwrap();
    let seen = app
        .ops
        .list_tag_resources(&stranger, TagTarget::Service, &ids, &[], None)
        .await
        .unwrap();
    assert!(
        seen.items.is_empty(),
        "a stranger saw tags: {:?}",
        seen.items
    );
    let err = app
        .ops
        .change_resource_group(&stranger, TagTarget::Service, ORDERS, "rg-stolen01")
        .await
        .unwrap_err();
    assert_eq!(err.code, "ResourceNotFound");
    // Wrong type reads as not found too.
    let err = app
        .ops
        .tag_resources(
            &ctx(PROVIDER.0),
            TagTarget::Endpoint,
            &ids,
            &pairs(&[("a", "b")]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "InvalidResourceId.NotFound");
}

#[tokio::test]
async fn tag_lists_page_without_repeats_and_filter_by_every_tag() {
    let app = demo_app().await;
    let me = ctx(PROVIDER.0);
    // Three more services so the listing spans resources.
    let mut ids = vec![ORDERS.to_string()];
    for lb in [
        "lb-bp1northwind00000001",
        "lb-bp1northwind00000002",
        "alb-bp1northwind0000001",
    ] {
        let kind = if lb.starts_with("alb") { "alb" } else { "slb" };
        let zone = if lb.ends_with('2') {
            "cn-hangzhou-i"
        } else {
            "cn-hangzhou-h"
        };
        let s = app
            .ops
            .create_service(
                &me,
                NewService {
                    region_id: "cn-hangzhou".into(),
                    resource_type: Some(kind.into()),
                    resources: vec![linkyard::ops::services::NewResource {
                        resource_id: lb.into(),
                        resource_type: Some(kind.into()),
                        zone_id: Some(zone.into()),
                    }],
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        ids.push(s.id);
    }
    for (n, id) in ids.iter().enumerate() {
        let mut tags: Vec<(String, String)> = (0..20)
            .map(|i| (format!("t{i:02}"), n.to_string()))
            .collect();
        tags[0] = (
            "tier".into(),
            if n % 2 == 0 { "gold" } else { "silver" }.into(),
        );
        app.ops
            .tag_resources(&me, TagTarget::Service, std::slice::from_ref(id), &tags)
            .await
            .unwrap();
    }
    let mut token = None;
    let mut seen = Vec::new();
    loop {
        let page = app
            .ops
            .list_tag_resources(&me, TagTarget::Service, &ids, &[], token.as_deref())
            .await
            .unwrap();
        assert!(page.items.len() <= 50);
        seen.extend(page.items.into_iter().map(|t| (t.resource_id, t.key)));
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen.len(), 80);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 80, "a row was listed twice");
    let gold = app
        .ops
        .list_tag_resources(
            &me,
            TagTarget::Service,
            &[],
            &pairs(&[("tier", "gold")]),
            None,
        )
        .await
        .unwrap();
    let mut gold_ids: Vec<_> = gold.items.iter().map(|t| t.resource_id.clone()).collect();
    gold_ids.dedup();
    assert_eq!(gold_ids.len(), 2);
    let none = app
        .ops
        .list_tag_resources(
            &me,
            TagTarget::Service,
            &[],
            &pairs(&[("tier", "gold"), ("t01", "1")]),
            None,
        )
        .await
        .unwrap();
    assert!(none.items.is_empty(), "tags must be ANDed");
}

#[tokio::test]
async fn resource_group_moves_are_audited() {
    let app = demo_app().await;
    let me = ctx(PROVIDER.0);
    app.ops
        .change_resource_group(&me, TagTarget::Service, ORDERS, "rg-aek2moved0001")
        .await
        .unwrap();
    assert_eq!(
        app.ops
            .get_service(&me, ORDERS)
            .await
            .unwrap()
            .resource_group_id,
        "rg-aek2moved0001"
    );
    let log = app
        .ops
        .audit_log(
            PROVIDER.0,
            &AuditFilter {
                action: Some("ChangeResourceGroup".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert!(
        log[0].summary.contains("rg-aek2moved0001"),
        "{}",
        log[0].summary
    );
}

#[tokio::test]
async fn a_token_runs_once_even_when_retries_race() {
    let app = demo_app().await;
    let me = ctx(PROVIDER.0);
    let create = || {
        let ops = app.ops.clone();
        let me = me.clone();
        async move {
            let runner = ops.clone();
            ops.idempotent(
                &me,
                "CreateVpcEndpointService",
                "tok-1",
                "same",
                |me| async move {
                    let s = runner
                        .create_service(
                            &me,
                            NewService {
                                region_id: "cn-hangzhou".into(),
                                resource_type: Some("slb".into()),
                                resources: vec![linkyard::ops::services::NewResource {
                                    resource_id: "lb-bp1northwind00000001".into(),
                                    resource_type: Some("slb".into()),
                                    zone_id: Some("cn-hangzhou-h".into()),
                                }],
                                ..Default::default()
                            },
                        )
                        .await?;
                    Ok(serde_json::json!({"ServiceId": s.id}))
                },
            )
            .await
        }
    };
    let (a, b, c) = tokio::join!(create(), create(), create());
    let (a, b, c) = (a.unwrap(), b.unwrap(), c.unwrap());
    assert_eq!(a, b);
    assert_eq!(b, c);
    let services = app
        .ops
        .list_services(&me, "cn-hangzhou", &Default::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(
        services.total, 2,
        "the orders service and one created service"
    );
    // Another fingerprint with the same token is refused; a fresh token runs again.
    let err = app
        .ops
        .idempotent(
            &me,
            "CreateVpcEndpointService",
            "tok-1",
            "other",
            |_| async { Ok(serde_json::json!({})) },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "IdempotentParameterMismatch");
    let err = app
        .ops
        .idempotent(
            &me,
            "CreateVpcEndpointService",
            "bad token",
            "x",
            |_| async { Ok(serde_json::json!({})) },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "IllegalParamFormat.ClientToken");
}

/// A service create with a ClientToken, as the cloud API runs it.
fn orders_like(lb: &str, zone: &str) -> NewService {
    NewService {
        region_id: "cn-hangzhou".into(),
        resource_type: Some("slb".into()),
        resources: vec![linkyard::ops::services::NewResource {
            resource_id: lb.into(),
            resource_type: Some("slb".into()),
            zone_id: Some(zone.into()),
        }],
        ..Default::default()
    }
}

async fn token_rows(app: &common::TestApp) -> Vec<(String, String, String)> {
    sqlx::query_as::<linkyard::store::Db, (String, String, String)>(
        "SELECT token, response, request_id FROM idempotency ORDER BY token",
    )
    .fetch_all(&app.ops.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_token_commits_with_the_change_and_a_retry_after_a_crash_does_not_run_it_again() {
    let app = demo_app().await;
    let me = ctx(PROVIDER.0);
    // The first attempt: the change commits with the token's row, then the server dies before
    // the response is stored (the operation ran under the claim, nothing stored the response).
    let first = me.with_client_token("CreateVpcEndpointService", "crash-1", "fp");
    let created = app
        .ops
        .create_service(
            &first,
            orders_like("lb-bp1northwind00000002", "cn-hangzhou-i"),
        )
        .await
        .unwrap();
    let rows = token_rows(&app).await;
    assert_eq!(
        rows,
        vec![("crash-1".into(), String::new(), first.request_id.clone())],
        "the token's row is committed with the change, without a response yet"
    );
    // The retry (a new request id) must not run the create again: it answers the first
    // request's outcome from the row and the audit log.
    let retry = ctx(PROVIDER.0);
    let answer = app
        .ops
        .idempotent(
            &retry,
            "CreateVpcEndpointService",
            "crash-1",
            "fp",
            |_| async { panic!("the change ran twice") },
        )
        .await
        .unwrap();
    assert_eq!(answer["ServiceId"], created.id);
    let services = app
        .ops
        .list_services(&me, "cn-hangzhou", &Default::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(services.total, 2, "the orders service and the one created");
    // The recovered answer is now stored; the parameters are still checked.
    let rows = token_rows(&app).await;
    assert_eq!(rows[0].1, answer.to_string());
    let err = app
        .ops
        .idempotent(
            &retry,
            "CreateVpcEndpointService",
            "crash-1",
            "other",
            |_| async { panic!("the change ran twice") },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code, "IdempotentParameterMismatch");
}

#[tokio::test]
async fn a_token_is_written_once_per_request_and_failures_are_not_remembered() {
    let app = demo_app().await;
    let me = ctx(PROVIDER.0);
    let ops = app.ops.clone();
    // A refused create leaves no row: the retry runs (and may succeed).
    let err = app
        .ops
        .idempotent(&me, "CreateVpcEndpointService", "t-2", "fp", |me| {
            let ops = ops.clone();
            async move {
                ops.create_service(
                    &me,
                    orders_like("lb-bp1nosuchbalancer0001", "cn-hangzhou-i"),
                )
                .await?;
                Ok(serde_json::json!({}))
            }
        })
        .await
        .unwrap_err();
    assert!(!err.code.is_empty());
    assert!(token_rows(&app).await.is_empty());
    // A success stores its response; the audit row and the token's row share the request id.
    let answer = app
        .ops
        .idempotent(&me, "CreateVpcEndpointService", "t-2", "fp", |me| {
            let ops = ops.clone();
            async move {
                let s = ops
                    .create_service(&me, orders_like("lb-bp1northwind00000002", "cn-hangzhou-i"))
                    .await?;
                Ok(serde_json::json!({"ServiceId": s.id}))
            }
        })
        .await
        .unwrap();
    let rows = token_rows(&app).await;
    assert_eq!(
        rows,
        vec![("t-2".into(), answer.to_string(), me.request_id.clone())]
    );
    let log = app
        .ops
        .audit_log(
            PROVIDER.0,
            &AuditFilter {
                action: Some("CreateVpcEndpointService".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(log.iter().any(|a| a.request_id == me.request_id));
}

#[tokio::test]
async fn endpoint_lists_filter_by_connection_status_and_tags_in_sql() {
    use linkyard::ops::endpoints::{EndpointFilter, NewEndpoint, NewZone};
    let app = demo_app().await;
    let consumer = ctx(CONSUMER.0);
    let provider = ctx(PROVIDER.0);
    let mut ids = Vec::new();
    for i in 0..3 {
        let e = app
            .ops
            .create_endpoint(
                &consumer,
                NewEndpoint {
                    region_id: "cn-hangzhou".into(),
                    vpc_id: "vpc-bp1contoso0000000001".into(),
                    service_id: Some(ORDERS.into()),
                    security_group_ids: vec!["sg-bp1contoso00000000001".into()],
                    zones: vec![NewZone {
                        zone_id: "cn-hangzhou-h".into(),
                        vswitch_id: "vsw-bp1contoso000000000h".into(),
                        ip: None,
                    }],
                    name: format!("ep{i}"),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        ids.push(e.id);
    }
    app.ops
        .accept_connection(&provider, ORDERS, &ids[1], None, None)
        .await
        .unwrap();
    for _ in 0..5 {
        app.ops.advance_due().await.unwrap();
    }
    app.ops
        .tag_resources(
            &consumer,
            TagTarget::Endpoint,
            &ids[1..],
            &pairs(&[("env", "prod")]),
        )
        .await
        .unwrap();
    app.ops
        .tag_resources(
            &consumer,
            TagTarget::Endpoint,
            &ids[2..],
            &pairs(&[("team", "web")]),
        )
        .await
        .unwrap();
    let list = |f: EndpointFilter| {
        let ops = app.ops.clone();
        let consumer = consumer.clone();
        async move {
            let p = ops
                .list_endpoints(&consumer, "cn-hangzhou", &f, None, 50)
                .await
                .unwrap();
            let ids: Vec<String> = p.items.into_iter().map(|v| v.id).collect();
            (p.total, ids)
        }
    };
    let connected = list(EndpointFilter {
        connection_status: Some("Connected".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(connected, (1, vec![ids[1].clone()]));
    let waiting = list(EndpointFilter {
        connection_status: Some("Disconnected".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(waiting.0, 2);
    let prod = list(EndpointFilter {
        tags: pairs(&[("env", "")]),
        ..Default::default()
    })
    .await;
    assert_eq!(prod.0, 2);
    let both = list(EndpointFilter {
        tags: pairs(&[("env", "prod"), ("team", "web")]),
        connection_status: Some("Disconnected".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(both, (1, vec![ids[2].clone()]));
    let none = list(EndpointFilter {
        tags: pairs(&[("env", "staging")]),
        ..Default::default()
    })
    .await;
    assert_eq!(none, (0, vec![]));
}
