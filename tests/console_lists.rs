//! The console's typed forms and server-side list pages over HTTP: forms send structured choices
//! (zones with their vSwitch, load balancers with their zone, ARN or account id), and the lists
//! are filtered, sorted and cut into keyset pages on the server.
#![cfg(feature = "ssr")]

mod common;

use axum::http::StatusCode;
use common::*;
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
                ("service_id", service_id),
                ("subject", " acs:ram:*:1000000000000003:* "),
                ("label", "by ARN"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = p
        .call(
            "add_whitelist",
            &[
                ("service_id", service_id),
                ("subject", CONSUMER.0),
                ("label", "by id"),
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
