//! `Ops::list_visible_services`: owned, whitelisted and managed services, nothing else.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use linkyard::ops::discovery::VisibleFilter;
use linkyard::ops::{Ctx, Source};

const ORDERS: &str = "epsrv-bp1northwindorders01";

async fn visible(app: &TestApp, account: &str, f: &VisibleFilter) -> Vec<String> {
    let ctx = Ctx::new(account, Source::Api);
    app.ops
        .list_visible_services(&ctx, "cn-hangzhou", f)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect()
}

#[tokio::test]
async fn whitelisted_owned_and_managed_services_are_visible() {
    let app = demo_app().await;
    let all = VisibleFilter::default();
    let contoso = visible(&app, CONSUMER.0, &all).await;
    let fabrikam = visible(&app, STRANGER.0, &all).await;
    let northwind = visible(&app, PROVIDER.0, &all).await;
    assert!(contoso.contains(&ORDERS.to_string()));
    assert!(
        northwind.contains(&ORDERS.to_string()),
        "the owner sees its own"
    );
    assert!(!fabrikam.contains(&ORDERS.to_string()));
    // Managed services are open to everybody, and listed first.
    assert!(!fabrikam.is_empty());
    assert_eq!(contoso.len(), fabrikam.len() + 1);
    let by_id = VisibleFilter {
        service_id: Some(ORDERS.into()),
        ..Default::default()
    };
    assert_eq!(visible(&app, CONSUMER.0, &by_id).await, [ORDERS]);
    assert!(visible(&app, STRANGER.0, &by_id).await.is_empty());
    let gwlb = VisibleFilter {
        service_type: Some("GatewayLoadBalancer".into()),
        ..Default::default()
    };
    assert!(visible(&app, CONSUMER.0, &gwlb).await.is_empty());
}
