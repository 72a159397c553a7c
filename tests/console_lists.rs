//! The console's typed forms and server-side list pages over HTTP: forms send structured choices
//! (zones with their vSwitch, load balancers with their zone, ARN or account id), and the lists
//! (endpoints, services, a service's connection queue) are cut into keyset pages on the server.
#![cfg(feature = "ssr")]

mod common;

use axum::http::StatusCode;
use common::*;
use linkyard::domain::console::{
    EndpointColumn, ListPage, ListQuery, NewEndpointForm, NewServiceForm, ResourceChoice,
    ServiceColumn, ZoneChoice, page_of,
};
use linkyard::domain::inventory::LbType;
use linkyard::domain::model::{EndpointView, ServiceView};
use linkyard::ops::inventory::NewLoadBalancer;
use linkyard::ops::{Ctx, Source};
use serde_json::Value;

const ORDERS_NAME: &str = "com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1northwindorders01";

/// Creates one of Contoso's endpoints to the orders service through the console's form.
async fn create_endpoint(c: &mut Client, name: &str) -> Value {
    let r = c
        .call(
            "create_endpoint",
            &[
                ("form[region]", "cn-hangzhou"),
                ("form[service]", ORDERS_NAME),
                ("form[vpc_id]", "vpc-bp1contoso0000000001"),
                ("form[security_group_ids][0]", "sg-bp1contoso00000000001"),
                ("form[zones][0][zone_id]", "cn-hangzhou-h"),
                ("form[zones][0][vswitch_id]", "vsw-bp1contoso000000000h"),
                ("form[name]", name),
                ("form[endpoint_type]", "Interface"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// One page of the endpoints list.
async fn endpoints(
    c: &mut Client,
    filter: &str,
    descending: bool,
    size: &str,
    token: &str,
) -> Value {
    let descending = descending.to_string();
    let mut form = vec![
        ("query[region]", "cn-hangzhou"),
        ("query[filter]", filter),
        ("query[sort]", "name"),
        ("query[descending]", descending.as_str()),
        ("query[max_results]", size),
    ];
    if !token.is_empty() {
        form.push(("query[next_token]", token));
    }
    let r = c.call("endpoints", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_endpoints_list_is_filtered_sorted_and_paged_on_the_server() {
    let app = demo_app().await;
    let mut c = Client::new(&app);
    c.sign_in(CONSUMER).await;
    for n in ["paged-c", "paged-a", "paged-e", "paged-b", "paged-d"] {
        create_endpoint(&mut c, n).await;
    }
    app.ops.advance_due().await.unwrap();
    // Pages of two, in name order, each after the last one's token; the total counts matches only.
    let mut seen = Vec::new();
    let mut token = String::new();
    for expected in [
        vec!["paged-a", "paged-b"],
        vec!["paged-c", "paged-d"],
        vec!["paged-e"],
    ] {
        let page = endpoints(&mut c, "PAGED-", false, "2", &token).await;
        assert_eq!(page["total"], 5, "{page}");
        assert_eq!(names(&page), expected);
        seen.extend(names(&page));
        token = page["next_token"].as_str().unwrap_or_default().to_string();
    }
    assert!(token.is_empty(), "the last page has no next token");
    assert_eq!(seen.len(), 5);

    // The other way round; a deleted row does not shift the page after it.
    let first = endpoints(&mut c, "paged-", true, "2", "").await;
    assert_eq!(names(&first), vec!["paged-e", "paged-d"]);
    let c_id = {
        let all = endpoints(&mut c, "paged-c", false, "0", "").await;
        all["items"][0]["id"].as_str().unwrap().to_string()
    };
    let r = c.call("delete_endpoint", &[("endpoint_id", &c_id)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let token = first["next_token"].as_str().unwrap().to_string();
    let next = endpoints(&mut c, "paged-", true, "2", &token).await;
    // (paged-c reads Deleting until the reconciler removes it, or is gone already.)
    let after = names(&next);
    assert!(
        after == ["paged-c", "paged-b"] || after == ["paged-b", "paged-a"],
        "{after:?}"
    );

    // Without a filter the page holds at most the page size, and the total counts every endpoint.
    let page = endpoints(&mut c, "", false, "0", "").await;
    let everything = app
        .ops
        .list_endpoints(
            &linkyard::ops::Ctx::new(CONSUMER.0, linkyard::ops::Source::Console),
            "cn-hangzhou",
            &Default::default(),
            None,
            1000,
        )
        .await
        .unwrap();
    assert_eq!(page["total"], everything.total);
    assert!(page["items"].as_array().unwrap().len() <= 20);

    // Another account's list does not hold them.
    let mut s = Client::new(&app);
    s.sign_in(STRANGER).await;
    assert_eq!(
        endpoints(&mut s, "paged-", false, "0", "").await["total"],
        0
    );

    // A query the server cannot read is refused in words.
    let r = c
        .call("endpoints", &[("query[region]", "cn-hangzhou")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["code"], "InvalidParameter");
}

#[tokio::test]
async fn the_publish_form_sends_each_load_balancer_with_its_zone() {
    let app = demo_app().await;
    let mut p = Client::new(&app);
    p.sign_in(PROVIDER).await;
    let r = p
        .call(
            "create_service",
            &[
                ("form[region]", "cn-hangzhou"),
                ("form[resource_type]", "alb"),
                ("form[resources][0][resource_id]", "alb-bp1northwind0000001"),
                ("form[resources][0][zone_id]", "cn-hangzhou-h"),
                ("form[resources][1][resource_id]", "alb-bp1northwind0000001"),
                ("form[resources][1][zone_id]", "cn-hangzhou-i"),
                ("form[description]", "Typed web"),
                ("form[auto_accept]", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let created = r.json();
    let mut zones: Vec<String> = serde_json::from_value(created["zones"].clone()).unwrap();
    zones.sort();
    assert_eq!(zones, vec!["cn-hangzhou-h", "cn-hangzhou-i"]);
    assert_eq!(created["auto_accept"], true);
    app.ops.advance_due().await.unwrap();

    // The services list finds it by its description, on the server.
    let r = p
        .call(
            "services",
            &[
                ("query[region]", "cn-hangzhou"),
                ("query[filter]", "typed web"),
                ("query[sort]", "created"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = r.json();
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["id"], created["id"]);

    // A zone the load balancer does not serve in is refused and publishes nothing.
    let before = p
        .call(
            "services",
            &[("query[region]", "cn-hangzhou"), ("query[sort]", "created")],
        )
        .await
        .json()["total"]
        .clone();
    let r = p
        .call(
            "create_service",
            &[
                ("form[region]", "cn-hangzhou"),
                ("form[resource_type]", "alb"),
                ("form[resources][0][resource_id]", "alb-bp1northwind0000001"),
                ("form[resources][0][zone_id]", "cn-hangzhou-k"),
                ("form[description]", "Wrong zone"),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
    let after = p
        .call(
            "services",
            &[("query[region]", "cn-hangzhou"), ("query[sort]", "created")],
        )
        .await
        .json()["total"]
        .clone();
    assert_eq!(before, after);

    // The whitelist takes an ARN as well as an account id.
    let service_id = created["id"].as_str().unwrap();
    let r = p
        .call(
            "add_whitelist",
            &[
                ("form[service_id]", service_id),
                ("form[subject]", " acs:ram:*:1000000000000003:* "),
                ("form[label]", "by ARN"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = p
        .call(
            "add_whitelist",
            &[
                ("form[service_id]", service_id),
                ("form[subject]", CONSUMER.0),
                ("form[label]", "by id"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let detail = p
        .call("service_detail", &[("service_id", service_id)])
        .await
        .json();
    let whitelist = detail["Found"]["whitelist"].to_string();
    assert!(whitelist.contains("1000000000000003"), "{whitelist}");
    assert!(whitelist.contains(CONSUMER.0), "{whitelist}");
}

/// Every page of one console list, following its tokens with pages of `size`.
async fn all_pages<C: Clone, T, F, Fut>(q: &ListQuery<C>, size: u32, fetch: F) -> (Vec<T>, u64)
where
    F: Fn(ListQuery<C>) -> Fut,
    Fut: std::future::Future<Output = ListPage<T>>,
{
    let mut q = ListQuery {
        max_results: size,
        next_token: None,
        ..q.clone()
    };
    let mut out = Vec::new();
    loop {
        let page = fetch(q.clone()).await;
        assert!(page.items.len() <= size as usize);
        let total = page.total;
        out.extend(page.items);
        match page.next_token {
            Some(t) => q.next_token = Some(t),
            None => return (out, total),
        }
    }
}

fn query<C>(sort: C, descending: bool, filter: &str) -> ListQuery<C> {
    ListQuery {
        region: "cn-hangzhou".into(),
        filter: filter.into(),
        sort,
        descending,
        next_token: None,
        max_results: 0,
    }
}

/// The SQL pages hold, page after page, exactly what the in-memory model (`page_of` over every
/// row) orders and filters, for every column both ways; `%` and `_` in the filter are literal
/// (names cannot hold `%`, so it matches nothing).
#[tokio::test]
async fn sql_pages_follow_the_reference_order_for_every_column_and_direction() {
    let app = demo_app().await;
    let mut c = Client::new(&app);
    c.sign_in(CONSUMER).await;
    for n in [
        "under_score",
        "ar-sx",
        "UPPER-case",
        "lower-case",
        "Ab",
        "Zed",
    ] {
        create_endpoint(&mut c, n).await;
    }
    app.ops.advance_due().await.unwrap();
    let ctx = Ctx::new(CONSUMER.0, Source::Console);
    let every = app
        .ops
        .list_endpoints(&ctx, "cn-hangzhou", &Default::default(), None, 1000)
        .await
        .unwrap()
        .items;
    assert!(every.len() >= 6);
    let columns = [
        EndpointColumn::Name,
        EndpointColumn::Type,
        EndpointColumn::Service,
        EndpointColumn::Status,
        EndpointColumn::Connection,
        EndpointColumn::Vpc,
    ];
    for column in columns {
        for descending in [false, true] {
            for filter in ["", "CASE", "r_s", "%", "epsrv-", "-sx"] {
                let q = query(column, descending, filter);
                let want = page_of(
                    every.clone(),
                    &ListQuery {
                        max_results: 1000,
                        ..q.clone()
                    },
                );
                let (got, total) = all_pages(&q, 2, |q| {
                    let (ops, ctx) = (&app.ops, &ctx);
                    async move { ops.console_endpoints(ctx, &q).await.unwrap() }
                })
                .await;
                let ids = |v: &[EndpointView]| v.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
                assert_eq!(
                    ids(&got),
                    ids(&want.items),
                    "{column:?} {descending} {filter:?}"
                );
                assert_eq!(total, want.total, "{column:?} {descending} {filter:?}");
            }
        }
    }
    // `%` and `_` match themselves only.
    let q = query(EndpointColumn::Name, false, "%");
    assert_eq!(app.ops.console_endpoints(&ctx, &q).await.unwrap().total, 0);
    let q = query(EndpointColumn::Name, false, "R_S");
    let under = app.ops.console_endpoints(&ctx, &q).await.unwrap();
    assert_eq!(under.total, 1);
    assert_eq!(under.items[0].name, "under_score");

    // The provider's services, the same way.
    let pctx = Ctx::new(PROVIDER.0, Source::Console);
    for (description, auto_accept) in [("Beta_web", true), ("alpha web", false), ("Gamma", true)] {
        let lb = NewLoadBalancer {
            id: None,
            vpc_id: "vpc-bp1northwind00000001".into(),
            lb_type: LbType::Alb,
            name: format!("lb-{}", description.len()),
            zones: vec!["cn-hangzhou-h".into()],
            dual_stack: false,
            privatelink_supported: true,
        };
        let lb = app.ops.create_load_balancer(&pctx, lb).await.unwrap();
        let form = NewServiceForm {
            region: "cn-hangzhou".into(),
            resource_type: "alb".into(),
            resources: vec![ResourceChoice {
                resource_id: lb.id,
                zone_id: "cn-hangzhou-h".into(),
            }],
            description: description.into(),
            auto_accept,
        };
        app.ops.console_create_service(&pctx, form).await.unwrap();
    }
    app.ops.advance_due().await.unwrap();
    let services = app
        .ops
        .list_services(&pctx, "cn-hangzhou", &Default::default(), None, 1000)
        .await
        .unwrap()
        .items;
    assert!(services.len() >= 4, "{}", services.len());
    let columns = [
        ServiceColumn::Name,
        ServiceColumn::Type,
        ServiceColumn::Status,
        ServiceColumn::Auto,
        ServiceColumn::Connections,
        ServiceColumn::Created,
    ];
    for column in columns {
        for descending in [false, true] {
            for filter in ["", "ORDERS", "epsrv-", "_", "A_W", "WEB"] {
                let q = query(column, descending, filter);
                let want = page_of(
                    services.clone(),
                    &ListQuery {
                        max_results: 1000,
                        ..q.clone()
                    },
                );
                let (got, total) = all_pages(&q, 1, |q| {
                    let (ops, ctx) = (&app.ops, &pctx);
                    async move { ops.console_services(ctx, &q).await.unwrap() }
                })
                .await;
                let ids = |v: &[ServiceView]| v.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
                assert_eq!(
                    ids(&got),
                    ids(&want.items),
                    "{column:?} {descending} {filter:?}"
                );
                assert_eq!(total, want.total, "{column:?} {descending} {filter:?}");
            }
        }
    }
}

/// One page of the orders service's connection queue (`size` rows, 0: the default).
async fn queue_page(c: &mut Client, size: &str, token: &str) -> Reply {
    let mut form = vec![
        ("query[service_id]", "epsrv-bp1northwindorders01"),
        ("query[max_results]", size),
    ];
    if !token.is_empty() {
        form.push(("query[next_token]", token));
    }
    c.call("service_connections", &form).await
}

#[tokio::test]
async fn the_connection_queue_is_paged_on_the_server_newest_first() {
    // A manual clock a second further for each endpoint, so "newest" is exact.
    let clock = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(1_780_000_000_000));
    let app = app_with(AppOptions {
        clock: Some(clock.clone()),
        ..Default::default()
    })
    .await;
    let cctx = Ctx::new(CONSUMER.0, Source::Console);
    let mut created = Vec::new();
    for i in 0..23 {
        clock.fetch_add(1000, std::sync::atomic::Ordering::SeqCst);
        let form = NewEndpointForm {
            region: "cn-hangzhou".into(),
            service: ORDERS_NAME.into(),
            vpc_id: "vpc-bp1contoso0000000001".into(),
            security_group_ids: vec!["sg-bp1contoso00000000001".into()],
            zones: vec![ZoneChoice {
                zone_id: "cn-hangzhou-h".into(),
                vswitch_id: "vsw-bp1contoso000000000h".into(),
                ip: None,
            }],
            name: format!("queued-{i:02}"),
            endpoint_type: "Interface".into(),
        };
        created.push(
            app.ops
                .console_create_endpoint(&cctx, form)
                .await
                .unwrap()
                .id,
        );
    }
    let everything = app
        .ops
        .list_connections(
            &Ctx::new(PROVIDER.0, Source::Console),
            "epsrv-bp1northwindorders01",
            &Default::default(),
            None,
            1000,
        )
        .await
        .unwrap();
    assert!(everything.items.len() > 20, "{}", everything.items.len());

    // Pages of the default size (20), each after the last one's token; the total counts every
    // connection of the service on every page.
    let mut p = Client::new(&app);
    p.sign_in(PROVIDER).await;
    let mut seen: Vec<String> = Vec::new();
    let mut created_at: Vec<String> = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let r = queue_page(&mut p, "0", &token).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = r.json()["Found"].clone();
        assert_eq!(page["connections"]["total"], everything.total, "{page}");
        assert!(!page["now"].as_str().unwrap().is_empty());
        let items = page["connections"]["items"].as_array().unwrap();
        assert!(items.len() <= 20, "{}", items.len());
        for k in items {
            seen.push(k["endpoint_id"].as_str().unwrap().to_string());
            created_at.push(k["created_at"].as_str().unwrap().to_string());
        }
        pages += 1;
        match page["connections"]["next_token"].as_str() {
            Some(t) => {
                assert_eq!(items.len(), 20, "only the last page is short");
                token = t.to_string();
            }
            None => break,
        }
    }
    assert_eq!(pages, everything.items.len().div_ceil(20));
    // Every connection once; the newest first, so the first page holds the last 20 created.
    let mut sorted = seen.clone();
    sorted.sort();
    let mut all: Vec<String> = everything
        .items
        .iter()
        .map(|k| k.endpoint_id.clone())
        .collect();
    all.sort();
    assert_eq!(sorted, all, "every connection once");
    let newest: Vec<String> = created.iter().rev().take(20).cloned().collect();
    assert_eq!(seen[..20], newest[..]);
    assert!(
        created_at.windows(2).all(|w| w[0] >= w[1]),
        "{created_at:?}"
    );

    // A smaller page size is kept, a larger one bounded, and a token the server never gave out
    // starts from the top.
    let small = queue_page(&mut p, "7", "").await.json()["Found"].clone();
    assert_eq!(small["connections"]["items"].as_array().unwrap().len(), 7);
    let big = queue_page(&mut p, "5000", "").await.json()["Found"].clone();
    assert_eq!(
        big["connections"]["items"].as_array().unwrap().len(),
        everything.items.len().min(100)
    );
    let junk = queue_page(&mut p, "1", "junk").await.json()["Found"].clone();
    assert_eq!(junk["connections"]["items"][0]["endpoint_id"], seen[0]);

    // Nobody but the service's owner reads its queue: for another account it is not found (an
    // answer the page explains, not an HTTP error, as for the detail).
    let mut c = Client::new(&app);
    c.sign_in(CONSUMER).await;
    let r = queue_page(&mut c, "0", "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!("NotFound"));
}
