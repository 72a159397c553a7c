//! The PrivateLink model through the operation layer on a real SQLite file: whitelist, endpoints,
//! connections, bandwidth, DNS, faults, restarts. Transitions are settled with `advance_due`.
#![cfg(feature = "ssr")]

mod common;

use common::*;
use linkyard::ops::endpoints::{NewEndpoint, NewZone};
use linkyard::ops::services::{NewResource, NewService, ServiceUpdate};
use linkyard::ops::{Clock, Ctx, Ops, Source};
use std::sync::Arc;
use std::sync::atomic::AtomicI64;

fn ctx(who: (&str, &str)) -> Ctx {
    Ctx::new(who.0, Source::Api)
}

const ORDERS: &str = "epsrv-bp1northwindorders01";

fn contoso_endpoint() -> NewEndpoint {
    NewEndpoint {
        region_id: "cn-hangzhou".into(),
        vpc_id: "vpc-bp1contoso0000000001".into(),
        service_id: Some(ORDERS.into()),
        security_group_ids: vec!["sg-bp1contoso00000000001".into()],
        zones: vec![
            NewZone {
                zone_id: "cn-hangzhou-h".into(),
                vswitch_id: "vsw-bp1contoso000000000h".into(),
                ip: None,
            },
            NewZone {
                zone_id: "cn-hangzhou-i".into(),
                vswitch_id: "vsw-bp1contoso000000000i".into(),
                ip: Some("172.16.2.50".into()),
            },
        ],
        name: "orders".into(),
        ..Default::default()
    }
}

async fn settle(ops: &Ops) {
    for _ in 0..5 {
        ops.advance_due().await.unwrap();
    }
}

#[tokio::test]
async fn whitelist_governs_who_may_connect() {
    let app = demo_app().await;
    let ops = &app.ops;
    let mut n = contoso_endpoint();
    n.vpc_id = "vpc-bp1fabrikam000000001".into();
    n.security_group_ids = vec!["sg-bp1fabrikam0000000001".into()];
    n.zones = vec![NewZone {
        zone_id: "cn-hangzhou-h".into(),
        vswitch_id: "vsw-bp1fabrikam00000000h".into(),
        ip: None,
    }];
    let e = ops
        .create_endpoint(&ctx(STRANGER), n.clone())
        .await
        .unwrap_err();
    assert_eq!(e.code, "EndpointServiceNotAuthorized");
    // Invisible services read as not found.
    assert_eq!(
        ops.get_service(&ctx(STRANGER), ORDERS)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceNotFound"
    );
    // Whitelisting by ARN lets the stranger in.
    ops.add_whitelist(
        &ctx(PROVIDER),
        ORDERS,
        None,
        Some("acs:ram:*:1000000000000003:*"),
        "lab",
    )
    .await
    .unwrap();
    let list = ops
        .list_whitelist(&ctx(PROVIDER), ORDERS, None)
        .await
        .unwrap();
    assert!(
        list.iter()
            .any(|w| w.user_id == STRANGER.0 && w.label == "lab" && w.added_by == PROVIDER.0)
    );
    let ep = ops.create_endpoint(&ctx(STRANGER), n).await.unwrap();
    assert_eq!(ep.connection_status.as_str(), "Disconnected");
    // Only the owner manages the whitelist.
    assert_eq!(
        ops.add_whitelist(&ctx(CONSUMER), ORDERS, Some(STRANGER.0), None, "")
            .await
            .unwrap_err()
            .code,
        "EndpointServiceNotFound"
    );
}

#[tokio::test]
async fn endpoint_lifecycle_accept_bandwidth_disconnect_delete() {
    let app = demo_app().await;
    let ops = &app.ops;
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    assert_eq!(ep.status.as_str(), "Creating");
    assert_eq!(ep.connection_status.as_str(), "Disconnected");
    assert_eq!(
        ep.domain,
        format!("{}.{ORDERS}.cn-hangzhou.privatelink.aliyuncs.com", ep.id)
    );
    assert!(ep.id.starts_with("ep-bp1") && ep.id.len() == 23);
    settle(ops).await;
    let zones = ops.list_zones(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(zones.len(), 2);
    assert!(
        zones.iter().all(|z| z.status.as_str() == "Wait"),
        "{zones:?}"
    );
    assert_eq!(
        zones[0].domain,
        format!(
            "{}-cn-hangzhou-h.{ORDERS}.cn-hangzhou.privatelink.aliyuncs.com",
            ep.id
        )
    );
    assert_eq!(zones[1].ip, "172.16.2.50");
    assert!(zones[0].ip.starts_with("172.16.1."));
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "Active"
    );
    // The provider sees one connection waiting, and the badge counts it.
    assert_eq!(ops.pending_decisions(&ctx(PROVIDER)).await.unwrap(), 1);
    let page = ops
        .list_connections(&ctx(PROVIDER), ORDERS, &Default::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].endpoint_owner_id, CONSUMER.0);
    // Above the NLB per-zone maximum is refused; the consumer cannot accept its own connection.
    assert_eq!(
        ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, Some(60000), None)
            .await
            .unwrap_err()
            .code,
        "IllegalParamFormat.Bandwidth"
    );
    assert_eq!(
        ops.accept_connection(&ctx(CONSUMER), ORDERS, &ep.id, Some(2048), None)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceNotFound"
    );
    ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, Some(2048), None)
        .await
        .unwrap();
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .connection_status
            .as_str(),
        "Connecting"
    );
    // A second accept while connecting is refused with the documented code.
    assert_eq!(
        ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, None, None)
            .await
            .unwrap_err()
            .code,
        "EndpointConnectionOperationDenied"
    );
    settle(ops).await;
    let got = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(
        (got.connection_status.as_str(), got.bandwidth),
        ("Connected", 2048)
    );
    assert!(
        ops.list_zones(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .iter()
            .all(|z| z.status.as_str() == "Connected")
    );
    // Bandwidth change passes through Pending.
    ops.set_connection_bandwidth(&ctx(PROVIDER), ORDERS, &ep.id, Some(1000), None)
        .await
        .unwrap();
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .connection_status
            .as_str(),
        "Pending"
    );
    settle(ops).await;
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .bandwidth,
        1000
    );
    // A service with a live connection cannot be deleted.
    assert_eq!(
        ops.delete_service(&ctx(PROVIDER), ORDERS)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceConnectionDependence"
    );
    // Disconnect: the row stays, Disconnected, zones back to Wait.
    ops.reject_connection(&ctx(PROVIDER), ORDERS, &ep.id, None)
        .await
        .unwrap();
    settle(ops).await;
    let page = ops
        .list_connections(&ctx(PROVIDER), ORDERS, &Default::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(page.items[0].status.as_str(), "Disconnected");
    assert!(
        page.items[0]
            .zones
            .iter()
            .all(|z| z.status.as_str() == "Wait")
    );
    // Delete the endpoint: addresses are released.
    ops.delete_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "Deleting"
    );
    settle(ops).await;
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap_err()
            .code,
        "EndpointNotFound"
    );
    let inv = ops.inventory(&ctx(CONSUMER), "cn-hangzhou").await.unwrap();
    assert!(inv.vswitches.iter().all(|v| v.free_ips == 252));
}

#[tokio::test]
async fn reject_keeps_the_reason_for_the_consumer() {
    let app = demo_app().await;
    let ops = &app.ops;
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    ops.reject_connection(
        &ctx(PROVIDER),
        ORDERS,
        &ep.id,
        Some("Use the staging service first"),
    )
    .await
    .unwrap();
    let got = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(got.connection_status.as_str(), "Disconnected");
    assert_eq!(
        got.reject_reason.as_deref(),
        Some("Use the staging service first")
    );
    assert_eq!(ops.pending_decisions(&ctx(PROVIDER)).await.unwrap(), 0);
}

#[tokio::test]
async fn dns_follows_zone_health_and_affinity() {
    let app = demo_app().await;
    let mut ops = app.ops.clone();
    ops.demo_tools = true;
    let mut n = contoso_endpoint();
    n.zone_affinity = true;
    let ep = ops.create_endpoint(&ctx(CONSUMER), n).await.unwrap();
    settle(&ops).await;
    let a = ops
        .resolve(&ctx(CONSUMER), &ep.domain, None, Some("cn-hangzhou-i"))
        .await
        .unwrap();
    assert_eq!(a.addresses.len(), 2);
    assert_eq!(
        a.addresses[0], "172.16.2.50",
        "affinity puts the caller's zone first"
    );
    ops.set_zone_outage(&ctx(PROVIDER), "cn-hangzhou-i", true)
        .await
        .unwrap();
    let a = ops
        .resolve(&ctx(CONSUMER), &ep.domain, None, None)
        .await
        .unwrap();
    assert_eq!(a.addresses.len(), 1);
    assert_eq!(a.withheld_zones, vec!["cn-hangzhou-i"]);
    ops.set_zone_outage(&ctx(PROVIDER), "cn-hangzhou-i", false)
        .await
        .unwrap();
    assert_eq!(
        ops.resolve(&ctx(CONSUMER), &ep.domain, None, None)
            .await
            .unwrap()
            .addresses
            .len(),
        2
    );
    let zone = format!(
        "{}-cn-hangzhou-h.{ORDERS}.cn-hangzhou.privatelink.aliyuncs.com",
        ep.id
    );
    assert_eq!(
        ops.resolve(&ctx(CONSUMER), &zone, None, None)
            .await
            .unwrap()
            .addresses
            .len(),
        1
    );
    // Fault injection is a demo tool.
    assert_eq!(
        app.ops
            .set_zone_outage(&ctx(PROVIDER), "cn-hangzhou-i", true)
            .await
            .unwrap_err()
            .code,
        "Forbidden.DemoTools"
    );
}

#[tokio::test]
async fn overdue_payment_disconnects_and_clearing_reconnects() {
    let app = demo_app().await;
    let mut ops = app.ops.clone();
    ops.demo_tools = true;
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, Some(2048), None)
        .await
        .unwrap();
    settle(&ops).await;
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, true)
        .await
        .unwrap();
    settle(&ops).await;
    let got = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(
        (got.connection_status.as_str(), got.business_status.as_str()),
        ("Disconnected", "FinancialLocked")
    );
    assert_eq!(
        ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, None, None)
            .await
            .unwrap_err()
            .code,
        "IncorrectBusinessStatus.VpcEndpoint"
    );
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, false)
        .await
        .unwrap();
    settle(&ops).await;
    let got = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(
        (
            got.connection_status.as_str(),
            got.business_status.as_str(),
            got.bandwidth
        ),
        ("Connected", "Normal", 2048)
    );
}

/// Found by tests/invariants.rs: clearing an overdue payment moved the connection of an endpoint
/// being deleted from `Deleting` back to `Connecting`, an edge the state machine does not have.
#[tokio::test]
async fn clearing_overdue_leaves_a_deleting_endpoint_alone() {
    let app = demo_app().await;
    let mut ops = app.ops.clone();
    ops.demo_tools = true;
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, None, None)
        .await
        .unwrap();
    settle(&ops).await;
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, true)
        .await
        .unwrap();
    ops.delete_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, false)
        .await
        .unwrap();
    let got = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(
        (got.status.as_str(), got.connection_status.as_str()),
        ("Deleting", "Deleting")
    );
    settle(&ops).await;
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap_err()
            .code,
        "EndpointNotFound"
    );
}

/// Found by tests/invariants.rs: a provider that rejects a connection an overdue payment had cut
/// keeps it rejected when the payment clears; only accepting reconnects it.
#[tokio::test]
async fn a_rejection_during_an_overdue_payment_sticks() {
    let app = demo_app().await;
    let mut ops = app.ops.clone();
    ops.demo_tools = true;
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, None, None)
        .await
        .unwrap();
    settle(&ops).await;
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, true)
        .await
        .unwrap();
    settle(&ops).await;
    ops.reject_connection(&ctx(PROVIDER), ORDERS, &ep.id, Some("contract ended"))
        .await
        .unwrap();
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, false)
        .await
        .unwrap();
    settle(&ops).await;
    let got = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(
        (
            got.connection_status.as_str(),
            got.reject_reason.as_deref(),
            got.business_status.as_str()
        ),
        ("Disconnected", Some("contract ended"), "Normal")
    );
    ops.accept_connection(&ctx(PROVIDER), ORDERS, &ep.id, None, None)
        .await
        .unwrap();
    settle(&ops).await;
    let got = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(got.connection_status.as_str(), "Connected");
}

/// Found by tests/invariants.rs: a connection accepted (or reconnected by a cleared payment)
/// while its service was being deleted went from Connecting to ServiceDeleted.
#[tokio::test]
async fn a_deleting_service_takes_no_new_connections() {
    let app = demo_app().await;
    let mut ops = app.ops.clone();
    ops.demo_tools = true;
    // One waiting endpoint, one cut by an overdue payment.
    let waiting = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    let mut n = contoso_endpoint();
    n.zones.truncate(1);
    let locked = ops.create_endpoint(&ctx(CONSUMER), n).await.unwrap();
    ops.accept_connection(&ctx(PROVIDER), ORDERS, &locked.id, None, None)
        .await
        .unwrap();
    settle(&ops).await;
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, true)
        .await
        .unwrap();
    settle(&ops).await;
    ops.delete_service(&ctx(PROVIDER), ORDERS).await.unwrap();
    assert_eq!(
        ops.accept_connection(&ctx(PROVIDER), ORDERS, &waiting.id, None, None)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceOperationDenied"
    );
    ops.set_overdue(&ctx(PROVIDER), CONSUMER.0, false)
        .await
        .unwrap();
    let got = ops.get_endpoint(&ctx(CONSUMER), &locked.id).await.unwrap();
    assert_eq!(got.connection_status.as_str(), "Disconnected");
    settle(&ops).await;
    for id in [&waiting.id, &locked.id] {
        let got = ops.get_endpoint(&ctx(CONSUMER), id).await.unwrap();
        assert_eq!(got.connection_status.as_str(), "ServiceDeleted");
    }
}

/// Found by tests/invariants.rs: deleting a service turned a zone that was being removed back
/// into `Disconnected` (without a due time), so its ENI and address were never released.
#[tokio::test]
async fn a_zone_being_removed_goes_even_when_the_service_is_deleted() {
    let app = demo_app().await;
    let ops = &app.ops;
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    settle(ops).await;
    let zones = ops.list_zones(&ctx(CONSUMER), &ep.id).await.unwrap();
    let h = zones.iter().find(|z| z.zone_id == "cn-hangzhou-h").unwrap();
    ops.remove_zone(&ctx(CONSUMER), &ep.id, "cn-hangzhou-h")
        .await
        .unwrap();
    ops.delete_service(&ctx(PROVIDER), ORDERS).await.unwrap();
    settle(ops).await;
    let zones = ops.list_zones(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(
        zones.iter().map(|z| z.zone_id.as_str()).collect::<Vec<_>>(),
        ["cn-hangzhou-i"]
    );
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ip_allocations WHERE owner_id = $1")
        .bind(&h.eni_id)
        .fetch_one(&ops.pool)
        .await
        .unwrap();
    assert_eq!(held, 0, "the removed zone's address is released");
}

#[tokio::test]
async fn service_rules_and_dry_run() {
    let app = demo_app().await;
    let ops = &app.ops;
    let mut dry = ctx(PROVIDER);
    dry.dry_run = true;
    let n = NewService {
        region_id: "cn-hangzhou".into(),
        resource_type: Some("alb".into()),
        resources: vec![NewResource {
            resource_id: "alb-bp1northwind0000001".into(),
            resource_type: Some("alb".into()),
            zone_id: Some("cn-hangzhou-j".into()),
        }],
        ..Default::default()
    };
    assert_eq!(
        ops.create_service(&dry, n.clone()).await.unwrap_err().code,
        "DryRunOperation"
    );
    let before = ops
        .list_services(&ctx(PROVIDER), "cn-hangzhou", &Default::default(), None, 50)
        .await
        .unwrap()
        .items
        .len();
    assert_eq!(before, 1, "dry run created nothing");
    // Type mismatch, zone the LB is not in, someone else's LB, dual-stack ALB.
    let mut bad = n.clone();
    bad.resource_type = Some("nlb".into());
    assert_eq!(
        ops.create_service(&ctx(PROVIDER), bad)
            .await
            .unwrap_err()
            .code,
        "Mismatch.ResourceType"
    );
    let mut bad = n.clone();
    bad.resources[0].zone_id = Some("cn-hangzhou-k".into());
    assert_eq!(
        ops.create_service(&ctx(PROVIDER), bad)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceNotSupportedZone"
    );
    assert_eq!(
        ops.create_service(&ctx(CONSUMER), n.clone())
            .await
            .unwrap_err()
            .code,
        "AlbNotFound"
    );
    let mut bad = n.clone();
    bad.address_ip_version = Some("DualStack".into());
    assert_eq!(
        ops.create_service(&ctx(PROVIDER), bad)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceNotSupportIpv6"
    );
    let s = ops.create_service(&ctx(PROVIDER), n).await.unwrap();
    assert_eq!(s.status.as_str(), "Creating");
    assert_eq!(
        s.name,
        format!("com.aliyuncs.privatelink.cn-hangzhou.{}", s.id)
    );
    // Changes are refused until it is Active.
    let upd = ServiceUpdate {
        connect_bandwidth: Some(2000),
        ..Default::default()
    };
    assert_eq!(
        ops.update_service(&ctx(PROVIDER), &s.id, upd.clone())
            .await
            .unwrap_err()
            .code,
        "EndpointServiceOperationDenied"
    );
    settle(ops).await;
    assert_eq!(
        ops.update_service(&ctx(PROVIDER), &s.id, upd)
            .await
            .unwrap()
            .connect_bandwidth,
        2000
    );
    let bad = ServiceUpdate {
        connect_bandwidth: Some(99),
        ..Default::default()
    };
    assert_eq!(
        ops.update_service(&ctx(PROVIDER), &s.id, bad)
            .await
            .unwrap_err()
            .code,
        "IllegalParamFormat.ConnectBandwidth"
    );
    // The same load balancer cannot back two services.
    let again = NewService {
        region_id: "cn-hangzhou".into(),
        resource_type: Some("alb".into()),
        resources: vec![NewResource {
            resource_id: "alb-bp1northwind0000001".into(),
            resource_type: None,
            zone_id: Some("cn-hangzhou-h".into()),
        }],
        ..Default::default()
    };
    assert_eq!(
        ops.create_service(&ctx(PROVIDER), again)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceResourceExist"
    );
    // Deleting works with resources attached.
    ops.delete_service(&ctx(PROVIDER), &s.id).await.unwrap();
    settle(ops).await;
    assert_eq!(
        ops.get_service(&ctx(PROVIDER), &s.id)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceNotFound"
    );
}

#[tokio::test]
async fn endpoint_input_rules() {
    let app = demo_app().await;
    let ops = &app.ops;
    let mut n = contoso_endpoint();
    n.security_group_ids.clear();
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), n)
            .await
            .unwrap_err()
            .code,
        "EndpointMustContainSecurityGroup"
    );
    let mut n = contoso_endpoint();
    n.zones[1].zone_id = "cn-hangzhou-h".into();
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), n)
            .await
            .unwrap_err()
            .code,
        "EndpointZoneDuplicated"
    );
    let mut n = contoso_endpoint();
    n.endpoint_type = Some("GatewayLoadBalancer".into());
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), n)
            .await
            .unwrap_err()
            .code,
        "Mismatch.EndpointType"
    );
    let mut n = contoso_endpoint();
    n.zones[1].ip = Some("172.16.1.9".into());
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), n)
            .await
            .unwrap_err()
            .code,
        "EniIpUnavailable",
        "IP outside the vSwitch"
    );
    let mut n = contoso_endpoint();
    n.zones[1].vswitch_id = "vsw-bp1contoso000000000h".into();
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), n)
            .await
            .unwrap_err()
            .code,
        "VSwitchNotFound",
        "vSwitch of another zone"
    );
    let mut n = contoso_endpoint();
    n.policy_document = Some(linkyard::domain::validate::DEFAULT_POLICY.into());
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), n)
            .await
            .unwrap_err()
            .code,
        "OperationDenied.EndpointPolicyNotSupport"
    );
    let mut n = contoso_endpoint();
    n.service_id = None;
    n.service_name = Some("com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1doesnotexist00001".into());
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), n)
            .await
            .unwrap_err()
            .code,
        "EndpointServiceNotFound"
    );
    // Nothing was created by the refusals, and no address was handed out.
    assert_eq!(
        ops.list_endpoints(&ctx(CONSUMER), "cn-hangzhou", &Default::default(), None, 50)
            .await
            .unwrap()
            .items
            .len(),
        0
    );
    let inv = ops.inventory(&ctx(CONSUMER), "cn-hangzhou").await.unwrap();
    assert!(inv.vswitches.iter().all(|v| v.free_ips == 252));
    // The same IP twice is refused.
    let first = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    let e = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap_err();
    assert_eq!(e.code, "EniIpUnavailable");
    assert!(first.id.starts_with("ep-"));
}

#[tokio::test]
async fn managed_services_take_policies_and_custom_domains() {
    let app = demo_app().await;
    let ops = &app.ops;
    let oss = "com.aliyuncs.privatelink.cn-hangzhou.oss";
    let mut n = contoso_endpoint();
    n.service_id = None;
    n.service_name = Some(oss.into());
    n.private_dns_enabled = true;
    n.policy_document = Some(r#"{"Version":"1","Statement":[{"Effect":"Deny","Action":"oss:DeleteBucket","Principal":"*","Resource":"*"}]}"#.into());
    let ep = ops.create_endpoint(&ctx(CONSUMER), n).await.unwrap();
    assert_eq!(
        ep.connection_status.as_str(),
        "Connecting",
        "managed services auto-accept"
    );
    settle(ops).await;
    let custom = "oss-cn-hangzhou-internal.aliyuncs.com";
    let inside = ops
        .resolve(
            &ctx(CONSUMER),
            custom,
            Some("vpc-bp1contoso0000000001"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(inside.addresses.len(), 2);
    let outside = ops
        .resolve(
            &ctx(CONSUMER),
            custom,
            Some("vpc-bp1fabrikam000000001"),
            None,
        )
        .await
        .unwrap();
    assert!(
        outside.addresses.is_empty(),
        "other VPCs do not resolve the custom domain"
    );
    // Reverse endpoints only reach managed services.
    let mut r = contoso_endpoint();
    r.endpoint_type = Some("Reverse".into());
    assert_eq!(
        ops.create_endpoint(&ctx(CONSUMER), r)
            .await
            .unwrap_err()
            .code,
        "Mismatch.EndpointType"
    );
}

#[tokio::test]
async fn a_restart_finishes_pending_transitions() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::db::test_db_url(dir.path(), "r.db");
    let clock = Arc::new(AtomicI64::new(1_800_000_000_000));
    let open = |clock: Arc<AtomicI64>| {
        let url = url.clone();
        async move {
            let pool = linkyard::store::connect(&url).await.unwrap();
            linkyard::store::migrate(&pool).await.unwrap();
            let mut ops = Ops::new(pool, linkyard::events::Bus::new(), 5_000);
            ops.clock = Clock::Manual(clock);
            ops
        }
    };
    let ops = open(clock.clone()).await;
    let s = linkyard::scenario::parse(include_str!("../scenarios/demo.toml")).unwrap();
    linkyard::scenario::load(&ops, &s, false).await.unwrap();
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    ops.pool.close().await;
    drop(ops);
    // "Restart": a new process on the same file, after the delay passed.
    clock.fetch_add(6_000, std::sync::atomic::Ordering::SeqCst);
    let ops = open(clock).await;
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "Creating"
    );
    settle(&ops).await;
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "Active"
    );
    assert!(
        ops.list_zones(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .iter()
            .all(|z| z.status.as_str() == "Wait")
    );
}

#[tokio::test]
async fn the_reconciler_goes_on_past_a_failing_item_and_publishes_each_step() {
    let app = demo_app().await;
    let ops = &app.ops;
    let service = |lb: &str, zone: &str| NewService {
        region_id: "cn-hangzhou".into(),
        resource_type: Some("slb".into()),
        resources: vec![NewResource {
            resource_id: lb.into(),
            resource_type: Some("slb".into()),
            zone_id: Some(zone.into()),
        }],
        ..Default::default()
    };
    // Two services are due; the first one's step fails (a database refusal).
    let a = ops
        .create_service(
            &ctx(PROVIDER),
            service("lb-bp1northwind00000002", "cn-hangzhou-i"),
        )
        .await
        .unwrap();
    let b = ops
        .create_service(
            &ctx(PROVIDER),
            service("lb-bp1northwind00000001", "cn-hangzhou-h"),
        )
        .await
        .unwrap();
    let pg = linkyard::store::backend(&ops.pool) == linkyard::store::Backend::Postgres;
    let injected = if pg {
        vec![
            format!(
                "CREATE FUNCTION fail_one() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN IF OLD.id = '{}' THEN RAISE EXCEPTION 'injected failure'; END IF;
                 RETURN NEW; END $$",
                a.id
            ),
            "CREATE TRIGGER fail_one BEFORE UPDATE ON endpoint_services
             FOR EACH ROW EXECUTE FUNCTION fail_one()"
                .to_string(),
        ]
    } else {
        vec![format!(
            "CREATE TRIGGER fail_one BEFORE UPDATE ON endpoint_services WHEN OLD.id = '{}'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            a.id
        )]
    };
    for sql in injected {
        sqlx::query(&sql).execute(&ops.pool).await.unwrap();
    }
    let mut events = ops.bus.subscribe();
    let err = ops.advance_due().await.unwrap_err();
    assert_eq!(err.code, "InternalError");
    let status = |id: String| async move {
        ops.get_service(&ctx(PROVIDER), &id)
            .await
            .unwrap()
            .status
            .as_str()
    };
    assert_eq!(
        status(a.id.clone()).await,
        "Creating",
        "left for the next round"
    );
    assert_eq!(
        status(b.id.clone()).await,
        "Active",
        "the next item went on"
    );
    let ev = events
        .try_recv()
        .expect("the committed step's event was published");
    assert_eq!(
        (ev.action.as_str(), ev.target.as_str()),
        ("Reconcile", b.id.as_str())
    );
    // Once the cause is gone, the next round finishes the item.
    sqlx::query(if pg {
        "DROP TRIGGER fail_one ON endpoint_services"
    } else {
        "DROP TRIGGER fail_one"
    })
    .execute(&ops.pool)
    .await
    .unwrap();
    assert_eq!(ops.advance_due().await.unwrap(), 1);
    assert_eq!(status(a.id.clone()).await, "Active");
}

#[tokio::test]
async fn lists_count_all_matches_and_requests_stay_in_their_region() {
    let app = demo_app().await;
    let ops = &app.ops;
    let mut ids = Vec::new();
    for (i, sg) in ["sg-bp1contoso00000000001", "sg-bp1contoso00000000002"]
        .into_iter()
        .enumerate()
    {
        let mut n = contoso_endpoint();
        n.zones.truncate(1);
        n.zones[0].ip = Some(format!("172.16.1.{}", 10 + i));
        n.security_group_ids = vec![sg.into()];
        ids.push(ops.create_endpoint(&ctx(CONSUMER), n).await.unwrap().id);
    }
    let p1 = ops
        .list_endpoints(&ctx(CONSUMER), "cn-hangzhou", &Default::default(), None, 1)
        .await
        .unwrap();
    assert_eq!(
        (p1.items.len(), p1.total),
        (1, 2),
        "TotalCount counts every match"
    );
    let p2 = ops
        .list_endpoints(
            &ctx(CONSUMER),
            "cn-hangzhou",
            &Default::default(),
            p1.next_token.as_deref(),
            1,
        )
        .await
        .unwrap();
    assert_eq!(
        (p2.items.len(), p2.total, p2.next_token),
        (1, 2, None),
        "no token on the last page"
    );
    assert_ne!(p1.items[0].id, p2.items[0].id);
    let conns = ops
        .list_connections(&ctx(PROVIDER), ORDERS, &Default::default(), None, 1)
        .await
        .unwrap();
    assert_eq!((conns.items.len(), conns.total), (1, 2));
    // An API request for another region does not see the objects.
    let mut elsewhere = ctx(CONSUMER);
    elsewhere.region_id = Some("cn-shanghai".into());
    assert_eq!(
        ops.get_endpoint(&elsewhere, &ids[0])
            .await
            .unwrap_err()
            .code,
        "EndpointNotFound"
    );
    let mut elsewhere = ctx(PROVIDER);
    elsewhere.region_id = Some("cn-shanghai".into());
    assert_eq!(
        ops.get_service(&elsewhere, ORDERS).await.unwrap_err().code,
        "EndpointServiceNotFound"
    );
    let mut here = ctx(PROVIDER);
    here.region_id = Some("cn-hangzhou".into());
    assert!(ops.get_service(&here, ORDERS).await.is_ok());
    // The whitelist filter by account.
    assert_eq!(
        ops.list_whitelist(&ctx(PROVIDER), ORDERS, Some(CONSUMER.0))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        ops.list_whitelist(&ctx(PROVIDER), ORDERS, Some(STRANGER.0))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Operations read before they write. With deferred transactions two concurrent writers on the
/// SQLite file made one of them fail at once with "database is locked" (`InternalError`), which
/// the SDK suite hit when the reconciler committed between a request's read and its write.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_wait_for_each_other() {
    let app = demo_app().await;
    let mut tasks = Vec::new();
    for i in 0..32 {
        let ops = app.ops.clone();
        tasks.push(tokio::spawn(async move {
            let upd = ServiceUpdate {
                description: Some(format!("pass {i}")),
                ..Default::default()
            };
            ops.update_service(&ctx(PROVIDER), ORDERS, upd).await?;
            ops.advance_due().await.map(|_| ())
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn connection_lists_filter_by_eni_resource_and_resource_group() {
    use linkyard::ops::connections::ConnectionFilter;
    use linkyard::ops::tags::TagTarget;
    let app = demo_app().await;
    let ops = &app.ops;
    let a = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    let mut other = contoso_endpoint();
    other.zones.truncate(1);
    let b = ops.create_endpoint(&ctx(CONSUMER), other).await.unwrap();
    settle(ops).await;
    ops.change_resource_group(
        &ctx(CONSUMER),
        TagTarget::Endpoint,
        &b.id,
        "rg-aek2filter01",
    )
    .await
    .unwrap();
    let zones_a = ops.list_zones(&ctx(CONSUMER), &a.id).await.unwrap();
    let eni_i = zones_a
        .iter()
        .find(|z| z.zone_id == "cn-hangzhou-i")
        .unwrap()
        .eni_id
        .clone();
    let list = |f: ConnectionFilter| async move {
        let p = ops
            .list_connections(&ctx(PROVIDER), ORDERS, &f, None, 50)
            .await
            .unwrap();
        let ids: Vec<String> = p.items.into_iter().map(|k| k.endpoint_id).collect();
        (p.total, ids)
    };
    let by_eni = list(ConnectionFilter {
        eni_id: Some(eni_i),
        ..Default::default()
    })
    .await;
    assert_eq!(by_eni, (1, vec![a.id.clone()]));
    let by_resource = list(ConnectionFilter {
        resource_id: Some("nlb-bp1northwind0000001".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(by_resource.0, 2);
    let by_group = list(ConnectionFilter {
        resource_group_id: Some("rg-aek2filter01".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(by_group, (1, vec![b.id.clone()]));
    let nothing = list(ConnectionFilter {
        resource_id: Some("nlb-elsewhere".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(nothing, (0, vec![]));
}

#[tokio::test]
async fn endpoint_settings_change_within_the_services_terms() {
    use linkyard::ops::endpoints::EndpointUpdate;
    let app = demo_app().await;
    let ops = &app.ops;
    let ep = ops
        .create_endpoint(&ctx(CONSUMER), contoso_endpoint())
        .await
        .unwrap();
    settle(ops).await;
    let describe = |d: &str| EndpointUpdate {
        description: Some(d.into()),
        ..Default::default()
    };
    ops.update_endpoint(&ctx(CONSUMER), &ep.id, describe("orders v2"))
        .await
        .unwrap();
    assert_eq!(
        ops.get_endpoint(&ctx(CONSUMER), &ep.id)
            .await
            .unwrap()
            .description,
        "orders v2"
    );
    // Another account does not see the endpoint.
    assert_eq!(
        ops.update_endpoint(&ctx(STRANGER), &ep.id, describe("mine"))
            .await
            .unwrap_err()
            .code,
        "EndpointNotFound"
    );
    assert_eq!(
        ops.update_endpoint(&ctx(CONSUMER), "ep-nosuchendpoint000001", describe("x"))
            .await
            .unwrap_err()
            .code,
        "EndpointNotFound"
    );
    // The user service takes no policy and has no custom domain: refused, and nothing changes
    // (not even the description sent with it).
    let with_policy = EndpointUpdate {
        description: Some("with a policy".into()),
        policy_document: Some(r#"{"Version":"1","Statement":[]}"#.into()),
        ..Default::default()
    };
    assert_eq!(
        ops.update_endpoint(&ctx(CONSUMER), &ep.id, with_policy)
            .await
            .unwrap_err()
            .code,
        "OperationDenied.EndpointPolicyNotSupport"
    );
    let with_dns = EndpointUpdate {
        description: Some("with private DNS".into()),
        private_dns_enabled: Some(true),
        ..Default::default()
    };
    assert_eq!(
        ops.update_endpoint(&ctx(CONSUMER), &ep.id, with_dns)
            .await
            .unwrap_err()
            .code,
        "OperationDenied.PrivateDomainNotSupport"
    );
    let view = ops.get_endpoint(&ctx(CONSUMER), &ep.id).await.unwrap();
    assert_eq!(view.description, "orders v2");
    assert!(!view.private_dns_enabled);
    // A managed service with a custom domain and policies takes both.
    let mut n = contoso_endpoint();
    n.service_id = None;
    n.service_name = Some("com.aliyuncs.privatelink.cn-hangzhou.oss".into());
    n.zones[1].ip = None;
    let oss = ops.create_endpoint(&ctx(CONSUMER), n).await.unwrap();
    settle(ops).await;
    let policy = r#"{"Version":"1","Statement":[{"Effect":"Deny","Action":"oss:DeleteBucket","Principal":"*","Resource":"*"}]}"#;
    ops.update_endpoint(
        &ctx(CONSUMER),
        &oss.id,
        EndpointUpdate {
            policy_document: Some(policy.into()),
            private_dns_enabled: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let view = ops.get_endpoint(&ctx(CONSUMER), &oss.id).await.unwrap();
    assert!(view.private_dns_enabled);
    assert_eq!(view.policy_document.as_deref(), Some(policy));
}
