//! Scenario loading and inventory rules against a real SQLite file.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use linkyard::ops::inventory::{NewLoadBalancer, NewVSwitch};
use linkyard::ops::{Ctx, Source};
use linkyard::scenario;

#[tokio::test]
async fn loading_into_a_non_empty_store_needs_reset() {
    let app = demo_app().await;
    let s = scenario::parse(include_str!("../scenarios/demo.toml")).unwrap();
    let err = scenario::load(&app.ops, &s, false).await.unwrap_err();
    assert!(err.contains("--reset"), "{err}");
    scenario::load(&app.ops, &s, true).await.unwrap();
    assert!(app.ops.account(PROVIDER.0).await.unwrap().is_some());
}

#[tokio::test]
async fn inventory_rules_refuse_bad_input_and_change_nothing() {
    let app = demo_app().await;
    let ctx = Ctx::new(CONSUMER.0, Source::Console);
    let before = app.ops.inventory(&ctx, "cn-hangzhou").await.unwrap();
    // vSwitch outside the VPC CIDR.
    let e = app
        .ops
        .create_vswitch(
            &ctx,
            NewVSwitch {
                vpc_id: "vpc-bp1contoso0000000001".into(),
                zone_id: "cn-hangzhou-j".into(),
                cidr: "10.9.0.0/24".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, "InvalidCidrBlock.Malformed");
    // Overlapping an existing vSwitch.
    let e = app
        .ops
        .create_vswitch(
            &ctx,
            NewVSwitch {
                vpc_id: "vpc-bp1contoso0000000001".into(),
                zone_id: "cn-hangzhou-j".into(),
                cidr: "172.16.1.0/25".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, "InvalidCidrBlock.Overlapped");
    // Another account's VPC is invisible.
    let e = app
        .ops
        .create_vswitch(
            &ctx,
            NewVSwitch {
                vpc_id: "vpc-bp1northwind00000001".into(),
                zone_id: "cn-hangzhou-j".into(),
                cidr: "10.10.9.0/24".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, "VpcNotFound");
    // Zone from another region.
    let e = app
        .ops
        .create_load_balancer(
            &ctx,
            NewLoadBalancer {
                id: None,
                vpc_id: "vpc-bp1contoso0000000001".into(),
                lb_type: linkyard::domain::inventory::LbType::Nlb,
                name: "x".into(),
                zones: vec!["cn-shanghai-e".into()],
                dual_stack: false,
                privatelink_supported: true,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(e.code, "InvalidZoneId.NotFound");
    assert_eq!(
        app.ops.inventory(&ctx, "cn-hangzhou").await.unwrap(),
        before
    );
}

#[tokio::test]
async fn deletes_are_refused_while_in_use() {
    let app = demo_app().await;
    let ctx = Ctx::new(CONSUMER.0, Source::Console);
    let e = app
        .ops
        .delete_inventory(&ctx, "vpc-bp1contoso0000000001")
        .await
        .unwrap_err();
    assert_eq!(e.code, "DependencyViolation.Vpc");
    // Someone else's item looks absent.
    let e = app
        .ops
        .delete_inventory(&ctx, "sg-bp1northwind000000001")
        .await
        .unwrap_err();
    assert_eq!(e.code, "SecurityGroupNotFound");
    app.ops
        .delete_inventory(&ctx, "sg-bp1contoso00000000002")
        .await
        .unwrap();
    let inv = app.ops.inventory(&ctx, "cn-hangzhou").await.unwrap();
    assert_eq!(inv.security_groups.len(), 1);
    // The deletion is audited and visible to the caller only.
    let audit = app.ops.recent_audit(CONSUMER.0, 5).await.unwrap();
    assert_eq!(audit[0].action, "DeleteSecurityGroup");
    assert!(
        app.ops
            .recent_audit(PROVIDER.0, 50)
            .await
            .unwrap()
            .iter()
            .all(|a| a.target != "sg-bp1contoso00000000002")
    );
}
