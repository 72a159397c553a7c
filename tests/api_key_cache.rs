//! The in-memory AccessKey cache of signed requests stays exact: a key disabled, deleted or
//! replaced (demo reset) is refused on the very next request, over real HTTP.
#![cfg(feature = "ssr")]

mod common;
#[path = "common/server.rs"]
mod server;

use linkyard::ops::{Ctx, Source};
use linkyard::{scenario, store};
use serde_json::Value;
use server::{CONTOSO, call, pairs};

/// The router of `app` on a real socket; its address.
async fn listen(app: &common::TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// One signed DescribeRegions call as `who`, over a fresh connection: status and JSON.
async fn regions(addr: &str, who: (&'static str, &'static str)) -> (u16, Value) {
    let addr = addr.to_owned();
    tokio::task::spawn_blocking(move || {
        call(
            &addr,
            who,
            "DescribeRegions",
            &pairs(&[("RegionId", "cn-hangzhou")]),
        )
        .unwrap()
    })
    .await
    .unwrap()
}

fn refused_as_unknown((status, body): &(u16, Value)) {
    assert_eq!(
        (*status, body["Code"].as_str()),
        (404, Some("InvalidAccessKeyId.NotFound")),
        "{body}"
    );
}

#[tokio::test]
async fn a_disabled_or_deleted_key_is_refused_on_the_next_request() {
    let app = common::demo_app().await;
    let addr = listen(&app).await;
    // Twice: the second answer comes from the cache.
    for _ in 0..2 {
        let (status, body) = regions(&addr, CONTOSO).await;
        assert_eq!(status, 200, "{body}");
    }

    let mut tx = app.ops.write_tx().await.unwrap();
    assert!(
        store::accounts::set_access_key_enabled(&mut tx, CONTOSO.0, false)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    refused_as_unknown(&regions(&addr, CONTOSO).await);

    let mut tx = app.ops.write_tx().await.unwrap();
    assert!(
        store::accounts::set_access_key_enabled(&mut tx, CONTOSO.0, true)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(regions(&addr, CONTOSO).await.0, 200, "enabled again");

    let mut tx = app.ops.write_tx().await.unwrap();
    assert!(
        store::accounts::delete_access_key(&mut tx, CONTOSO.0)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    refused_as_unknown(&regions(&addr, CONTOSO).await);
    refused_as_unknown(&regions(&addr, CONTOSO).await);
}

#[tokio::test]
async fn a_demo_reset_replaces_the_cached_keys() {
    let app = common::demo_app().await;
    let addr = listen(&app).await;
    assert_eq!(regions(&addr, CONTOSO).await.0, 200);
    // The scenario the demo resets to gives Contoso another secret.
    let text = include_str!("../scenarios/demo.toml").replace(CONTOSO.1, "contoso-secret-rotated");
    assert_ne!(text, include_str!("../scenarios/demo.toml"));
    let rotated = scenario::parse(&text).unwrap();
    scenario::replace(
        &app.ops,
        &rotated,
        &Ctx::new("1000000000000001", Source::Console),
    )
    .await
    .unwrap();
    let (status, body) = regions(&addr, CONTOSO).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("SignatureDoesNotMatch")),
        "the old secret is refused: {body}"
    );
    let (status, body) = regions(&addr, (CONTOSO.0, "contoso-secret-rotated")).await;
    assert_eq!(status, 200, "the new secret works: {body}");
}
