//! The consumer's "Available services" over HTTP (visibility per account, search, paging), the
//! region the console opens in and remembers per account, and the connection status words.
#![cfg(feature = "ssr")]

mod common;

use axum::http::StatusCode;
use common::*;
use linkyard::domain::status::{PENDING_ACCEPTANCE, connection_status};
use linkyard::ops::discovery::VisibleFilter;
use linkyard::ops::{Ctx, Source};
use serde_json::Value;

const ORDERS: &str = "epsrv-bp1northwindorders01";
const ORDERS_NAME: &str = "com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1northwindorders01";

/// One catalogue page as the console asks for it.
async fn catalogue(c: &mut Client, search: &str, page: &str, size: &str) -> Reply {
    c.call(
        "available_services",
        &[
            ("query[region]", "cn-hangzhou"),
            ("query[search]", search),
            ("query[page]", page),
            ("query[page_size]", size),
        ],
    )
    .await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// What ListVpcEndpointServicesByEndUser's operation shows `account` (the rule the catalogue reuses).
async fn by_end_user(app: &TestApp, account: &str) -> Vec<String> {
    app.ops
        .list_visible_services(
            &Ctx::new(account, Source::Api),
            "cn-hangzhou",
            &VisibleFilter::default(),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect()
}

#[tokio::test]
async fn each_account_sees_the_services_it_may_use() {
    let app = demo_app().await;
    let mut anon = Client::new(&app);
    assert_eq!(
        catalogue(&mut anon, "", "1", "0").await.status,
        StatusCode::UNAUTHORIZED
    );

    for (who, sees_orders) in [(PROVIDER, true), (CONSUMER, true), (STRANGER, false)] {
        let mut c = Client::new(&app);
        c.sign_in(who).await;
        let r = catalogue(&mut c, "", "1", "0").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = r.json();
        let got = ids(&page);
        assert_eq!(got, by_end_user(&app, who.0).await, "same rule as the API");
        assert_eq!(got.contains(&ORDERS.to_string()), sees_orders, "{}", who.0);
        // Alibaba Cloud's managed services are open to everybody, and listed first.
        let managed: Vec<&Value> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["managed"] == true)
            .collect();
        assert_eq!(managed.len(), 2);
        assert_eq!(page["items"][0]["managed"], true);
        assert_eq!(managed[0]["provider_name"], "Alibaba Cloud");
        assert_eq!(page["total"], got.len());
        // No provider-side figures reach consumers.
        assert!(page["items"][0].get("connection_count").is_none());
    }

    let mut c = Client::new(&app);
    c.sign_in(CONSUMER).await;
    let page = catalogue(&mut c, "orders", "1", "0").await.json();
    let s = &page["items"][0];
    assert_eq!(s["id"], ORDERS);
    assert_eq!(s["name"], ORDERS_NAME);
    assert_eq!(s["provider_id"], PROVIDER.0);
    assert_eq!(s["provider_name"], "Northwind Data");
    assert_eq!(s["own"], false);
    assert_eq!(s["resource_type"], "nlb");
    assert_eq!(s["service_type"], "Interface");
    assert_eq!(s["auto_accept"], false);
    assert_eq!(s["address_ip_version"], "IPv4");
    assert_eq!(
        s["zones"],
        serde_json::json!(["cn-hangzhou-h", "cn-hangzhou-i"])
    );
    let mut p = Client::new(&app);
    p.sign_in(PROVIDER).await;
    assert_eq!(
        catalogue(&mut p, "orders", "1", "0").await.json()["items"][0]["own"],
        true
    );

    // Whitelisting the stranger makes the service appear for it, as in the API.
    let r = p
        .call(
            "add_whitelist",
            &[
                ("form[service_id]", ORDERS),
                ("form[subject]", STRANGER.0),
                ("form[label]", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut s = Client::new(&app);
    s.sign_in(STRANGER).await;
    assert_eq!(
        ids(&catalogue(&mut s, "northwind", "1", "0").await.json()),
        [ORDERS]
    );
}

#[tokio::test]
async fn the_catalogue_is_searched_and_paged_on_the_server() {
    let app = demo_app().await;
    let mut c = Client::new(&app);
    c.sign_in(CONSUMER).await;
    // By name, id, description, provider name and provider id; any case; trimmed.
    for q in [
        "privatelink.cn-hangzhou.epsrv-bp1northwind",
        "EPSRV-BP1NORTHWINDORDERS01",
        "Orders API",
        "northwind data",
        PROVIDER.0,
        "  orders  ",
    ] {
        let page = catalogue(&mut c, q, "1", "0").await.json();
        assert_eq!(ids(&page), [ORDERS], "{q:?}");
        assert_eq!(page["total"], 1);
    }
    let oss = catalogue(&mut c, "object storage", "1", "0").await.json();
    assert_eq!(oss["total"], 1);
    assert_eq!(oss["items"][0]["managed"], true);
    let none = catalogue(&mut c, "no such service", "1", "0").await.json();
    assert_eq!((none["total"].as_u64(), ids(&none).len()), (Some(0), 0));
    // The stranger does not find a service it may not see, whatever it types.
    let mut s = Client::new(&app);
    s.sign_in(STRANGER).await;
    for q in ["northwind", ORDERS, ORDERS_NAME] {
        assert_eq!(catalogue(&mut s, q, "1", "0").await.json()["total"], 0);
    }
    // Typing the name anyway still gets the explanation the create form showed before.
    let r = s
        .call(
            "create_endpoint",
            &[
                ("form[region]", "cn-hangzhou"),
                ("form[service]", ORDERS_NAME),
                ("form[vpc_id]", "vpc-bp1fabrikam000000001"),
                ("form[security_group_ids][0]", "sg-bp1fabrikam0000000001"),
                ("form[zones][0][zone_id]", "cn-hangzhou-h"),
                ("form[zones][0][vswitch_id]", "vsw-bp1fabrikam00000000h"),
                ("form[name]", "typed"),
                ("form[endpoint_type]", "Interface"),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
    assert_eq!(r.json()["code"], "EndpointServiceNotAuthorized");

    // Pages of one: each page holds the next service; together they are the whole list.
    let all = ids(&catalogue(&mut c, "", "1", "100").await.json());
    assert_eq!(all.len(), 3);
    let mut paged = Vec::new();
    for n in 1..=3 {
        let page = catalogue(&mut c, "", &n.to_string(), "1").await.json();
        assert_eq!(page["total"], 3);
        assert_eq!(
            (page["page"].as_u64(), page["page_size"].as_u64()),
            (Some(n), Some(1))
        );
        paged.extend(ids(&page));
    }
    assert_eq!(paged, all);
    let past = catalogue(&mut c, "", "4", "1").await.json();
    assert_eq!((past["total"].as_u64(), ids(&past).len()), (Some(3), 0));
    let two = catalogue(&mut c, "", "2", "2").await.json();
    assert_eq!(ids(&two), all[2..]);
    // Bad pages are refused with a reason, not served as everything.
    for (page, size, code) in [
        ("0", "10", "IllegalParamFormat.Page"),
        ("1", "101", "IllegalParamFormat.PageSize"),
        ("x", "10", "InvalidParameter"),
    ] {
        let r = catalogue(&mut c, "", page, size).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{page} {size}: {}",
            r.body
        );
        assert_eq!(r.json()["code"], code);
    }
}

/// Globex has things in Shanghai and Frankfurt only; Initech has nothing.
const REGIONS_SCENARIO: &str = r#"
name = "regions"

[[accounts]]
id = "1000000000000011"
name = "Globex"
password = "globex-demo"
vpcs = [
  { id = "vpc-gw8globex00000000001", region = "eu-central-1", name = "eu", cidr = "10.1.0.0/16" },
  { id = "vpc-uf6globex00000000001", region = "cn-shanghai", name = "sh", cidr = "10.2.0.0/16" },
]

[[accounts]]
id = "1000000000000012"
name = "Initech"
password = "initech-demo"
"#;

const GLOBEX: (&str, &str) = ("1000000000000011", "globex-demo");
const INITECH: (&str, &str) = ("1000000000000012", "initech-demo");

async fn region_of(c: &mut Client) -> String {
    let s = c.call("session", &[]).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    s.json()["region"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_console_opens_where_the_account_has_resources_and_remembers_per_account() {
    let app = app_with(AppOptions {
        scenario: REGIONS_SCENARIO.into(),
        ..Default::default()
    })
    .await;
    let mut c = Client::new(&app);
    // Nobody signed in: the region picker is refused.
    assert_eq!(
        c.call("set_region", &[("region", "cn-beijing")])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    c.sign_in(GLOBEX).await;
    // The first region of the catalogue's order with Globex's resources (not Frankfurt, not the default).
    assert_eq!(region_of(&mut c).await, "cn-shanghai");
    // The choice is kept once made: a resource created later in an earlier region moves nothing.
    let ctx = Ctx::new(GLOBEX.0, Source::Console);
    app.ops
        .create_vpc(
            &ctx,
            linkyard::ops::inventory::NewVpc {
                region_id: "cn-hangzhou".into(),
                name: "late".into(),
                cidr: "10.3.0.0/16".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(region_of(&mut c).await, "cn-shanghai");
    assert_eq!(
        c.call("set_region", &[("region", "eu-central-1")])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(region_of(&mut c).await, "eu-central-1");

    // "+ Account": Initech has nothing anywhere, so it opens in the default region.
    c.sign_in(INITECH).await;
    assert_eq!(region_of(&mut c).await, "cn-hangzhou");
    c.call("set_region", &[("region", "cn-beijing")]).await;
    assert_eq!(region_of(&mut c).await, "cn-beijing");
    // Switching accounts shows each account's last region.
    for (who, want) in [
        (GLOBEX.0, "eu-central-1"),
        (INITECH.0, "cn-beijing"),
        (GLOBEX.0, "eu-central-1"),
    ] {
        let r = c.call("switch_account", &[("account_id", who)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(region_of(&mut c).await, want, "{who}");
    }
    // Another browser keeps its own choice (the session, not the account, remembers).
    let mut other = Client::new(&app);
    other.sign_in(GLOBEX).await;
    assert_eq!(region_of(&mut other).await, "cn-hangzhou");
    // A new session after sign-out starts from the resources again.
    c.call("sign_out", &[]).await;
    c.sign_in(GLOBEX).await;
    assert_eq!(region_of(&mut c).await, "cn-hangzhou");
}

#[tokio::test]
async fn demo_accounts_open_in_hangzhou() {
    let app = demo_app().await;
    for who in [PROVIDER, CONSUMER, STRANGER] {
        let mut c = Client::new(&app);
        c.sign_in(who).await;
        assert_eq!(region_of(&mut c).await, "cn-hangzhou");
    }
}

#[tokio::test]
async fn waiting_for_acceptance_reads_the_same_to_both_sides() {
    let app = demo_app().await;
    let mut consumer = Client::new(&app);
    consumer.sign_in(CONSUMER).await;
    let r = consumer
        .call(
            "create_endpoint",
            &[
                ("form[region]", "cn-hangzhou"),
                ("form[service]", ORDERS_NAME),
                ("form[vpc_id]", "vpc-bp1contoso0000000001"),
                ("form[security_group_ids][0]", "sg-bp1contoso00000000001"),
                ("form[zones][0][zone_id]", "cn-hangzhou-h"),
                ("form[zones][0][vswitch_id]", "vsw-bp1contoso000000000h"),
                ("form[name]", "words"),
                ("form[endpoint_type]", "Interface"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let created = r.json();
    let eid = created["id"].as_str().unwrap().to_string();
    // The API value is unchanged; both sides carry "waiting for the provider's decision".
    assert_eq!(created["connection_status"], "Disconnected");
    assert_eq!(created["awaiting_decision"], true);
    let mut provider = Client::new(&app);
    provider.sign_in(PROVIDER).await;
    let queue = provider
        .call("service_connections", &[("query[service_id]", ORDERS)])
        .await
        .json();
    let k = queue["Found"]["connections"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["endpoint_id"] == eid.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (k["status"].as_str(), k["awaiting_decision"].as_bool()),
        (Some("Disconnected"), Some(true))
    );
    let word = |v: &Value, status: &str| {
        connection_status(
            v[status].as_str().unwrap(),
            v["awaiting_decision"].as_bool().unwrap(),
        )
        .0
    };
    assert_eq!(word(&created, "connection_status"), PENDING_ACCEPTANCE);
    assert_eq!(word(&k, "status"), PENDING_ACCEPTANCE);

    // After a rejection both read Disconnected, and the consumer is no longer told to wait.
    let r = provider
        .call(
            "reject_connection",
            &[
                ("form[service_id]", ORDERS),
                ("form[endpoint_id]", &eid),
                ("form[reason]", "not now"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let listed = consumer
        .call(
            "endpoints",
            &[("query[region]", "cn-hangzhou"), ("query[sort]", "name")],
        )
        .await
        .json();
    let e = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == eid.as_str())
        .unwrap()
        .clone();
    assert_eq!(word(&e, "connection_status"), "Disconnected");
    let queue = provider
        .call("service_connections", &[("query[service_id]", ORDERS)])
        .await
        .json();
    let k = queue["Found"]["connections"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["endpoint_id"] == eid.as_str())
        .unwrap()
        .clone();
    assert_eq!(word(&k, "status"), "Disconnected");
}

#[tokio::test]
async fn a_detail_page_of_an_object_not_ours_or_deleted_says_so_without_an_http_error() {
    let app = demo_app().await;
    let mut consumer = Client::new(&app);
    consumer.sign_in(CONSUMER).await;
    // Another account's service: found by nobody here, answered with 200 and `NotFound`.
    let r = consumer
        .call("service_detail", &[("service_id", ORDERS)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!("NotFound"));
    let r = consumer
        .call(
            "endpoint_detail",
            &[("endpoint_id", "ep-doesnotexist000000")],
        )
        .await;
    assert_eq!(r.json(), serde_json::json!("NotFound"));

    // An endpoint this account deleted: `Deleted`, with when.
    let r = consumer
        .call(
            "create_endpoint",
            &[
                ("form[region]", "cn-hangzhou"),
                ("form[service]", ORDERS_NAME),
                ("form[vpc_id]", "vpc-bp1contoso0000000001"),
                ("form[security_group_ids][0]", "sg-bp1contoso00000000001"),
                ("form[zones][0][zone_id]", "cn-hangzhou-h"),
                ("form[zones][0][vswitch_id]", "vsw-bp1contoso000000000h"),
                ("form[name]", "short-lived"),
                ("form[endpoint_type]", "Interface"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let eid = r.json()["id"].as_str().unwrap().to_string();
    let found = consumer
        .call("endpoint_detail", &[("endpoint_id", &eid)])
        .await
        .json();
    assert_eq!(found["Found"]["endpoint"]["id"], eid.as_str(), "{found}");
    app.ops.advance_due().await.unwrap();
    let r = consumer
        .call("delete_endpoint", &[("endpoint_id", &eid)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.ops.advance_due().await.unwrap();
    let gone = consumer
        .call("endpoint_detail", &[("endpoint_id", &eid)])
        .await
        .json();
    assert!(gone["Deleted"]["at"].is_string(), "{gone}");
}
