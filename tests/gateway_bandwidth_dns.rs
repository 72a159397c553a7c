//! Gateway endpoints, bandwidth increase requests and VPC DNS links through the operation layer,
//! on a real SQLite file with the demo scenario.

mod common;

use common::{CONSUMER, PROVIDER, demo_app};
use linkyard::ops::endpoints::{NewEndpoint, NewZone};
use linkyard::ops::gateway::NewGatewayEndpoint;
use linkyard::ops::inventory::NewVpc;
use linkyard::ops::{Ctx, Ops, Source};

const VPC: &str = "vpc-bp1contoso0000000001";
const ORDERS: &str = "epsrv-bp1northwindorders01";

fn ctx(account: &str) -> Ctx {
    Ctx::new(account, Source::Console)
}

async fn settle(ops: &Ops) {
    for _ in 0..5 {
        ops.advance_due().await.unwrap();
    }
}

fn oss_gateway() -> NewGatewayEndpoint {
    NewGatewayEndpoint {
        region_id: "cn-hangzhou".into(),
        vpc_id: VPC.into(),
        service_name: "com.aliyun.cn-hangzhou.oss".into(),
        name: "oss-gw".into(),
        policy_document: None,
        route_tables: vec!["vtb-bp1contoso0000000001".into()],
    }
}

#[tokio::test]
async fn gateway_endpoints_serve_oss_only_and_hold_their_vpc() {
    let app = demo_app().await;
    let ops = &app.ops;
    let me = ctx(CONSUMER.0);
    let mut sls = oss_gateway();
    sls.service_name = "com.aliyun.cn-hangzhou.sls".into();
    assert_eq!(
        ops.create_gateway_endpoint(&me, sls)
            .await
            .unwrap_err()
            .code,
        "UnsupportedService.GatewayEndpoint"
    );
    let mut foreign = oss_gateway();
    foreign.route_tables = vec!["vtb-bp1northwind00000001".into()];
    assert_eq!(
        ops.create_gateway_endpoint(&me, foreign)
            .await
            .unwrap_err()
            .code,
        "ResourceNotFound.RouteTable"
    );
    assert_eq!(
        ops.create_gateway_endpoint(&ctx(PROVIDER.0), oss_gateway())
            .await
            .unwrap_err()
            .code,
        "InvalidVpcId.NotFound",
        "another account's VPC"
    );
    let mut bad_policy = oss_gateway();
    bad_policy.policy_document = Some("{not json".into());
    assert!(ops.create_gateway_endpoint(&me, bad_policy).await.is_err());
    assert!(
        ops.list_gateway_endpoints(&me, "cn-hangzhou")
            .await
            .unwrap()
            .is_empty()
    );

    let gw = ops
        .create_gateway_endpoint(&me, oss_gateway())
        .await
        .unwrap();
    assert_eq!(gw.status.as_str(), "Creating");
    assert!(gw.prefix_cidr.starts_with("100.118."), "{}", gw.prefix_cidr);
    assert_eq!(
        ops.create_gateway_endpoint(&me, oss_gateway())
            .await
            .unwrap_err()
            .code,
        "ResourceAlreadyExist.GatewayEndpoint"
    );
    assert_eq!(
        ops.set_gateway_route_table(&me, &gw.id, "vtb-bp1contoso0000000001", false)
            .await
            .unwrap_err()
            .code,
        "IncorrectStatus.GatewayEndpoint",
        "changes wait for Active"
    );
    settle(ops).await;
    assert_eq!(
        ops.get_gateway_endpoint(&me, &gw.id)
            .await
            .unwrap()
            .status
            .as_str(),
        "Active"
    );
    ops.set_gateway_route_table(&me, &gw.id, "vtb-bp1contoso0000000001", false)
        .await
        .unwrap();
    assert!(
        ops.get_gateway_endpoint(&me, &gw.id)
            .await
            .unwrap()
            .route_tables
            .is_empty()
    );
    ops.update_gateway_endpoint(
        &me,
        &gw.id,
        None,
        Some(r#"{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":"*","Resource":"*"}]}"#.into()),
    )
    .await
    .unwrap();
    assert!(
        ops.get_gateway_endpoint(&me, &gw.id)
            .await
            .unwrap()
            .policy_document
            .is_some()
    );
    // Other accounts do not see it; the VPC cannot be deleted under it.
    assert_eq!(
        ops.get_gateway_endpoint(&ctx(PROVIDER.0), &gw.id)
            .await
            .unwrap_err()
            .code,
        "ResourceNotFound.GatewayEndpoint"
    );
    ops.delete_gateway_endpoint(&me, &gw.id).await.unwrap();
    settle(ops).await;
    assert!(
        ops.list_gateway_endpoints(&me, "cn-hangzhou")
            .await
            .unwrap()
            .is_empty()
    );

    // A VPC with only a gateway endpoint in it cannot be deleted until the endpoint is gone.
    let bare = ops
        .create_vpc(
            &me,
            NewVpc {
                region_id: "cn-hangzhou".into(),
                name: "bare".into(),
                cidr: "10.30.0.0/16".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut n = oss_gateway();
    n.vpc_id = bare.id.clone();
    n.route_tables = ops.gateway_route_tables(&me, &bare.id).await.unwrap();
    let gw = ops.create_gateway_endpoint(&me, n).await.unwrap();
    assert_eq!(gw.route_tables.len(), 1);
    let refused = ops.delete_inventory(&me, &bare.id).await.unwrap_err();
    assert!(
        refused.message.contains("gateway endpoints"),
        "{}",
        refused.message
    );
    ops.delete_gateway_endpoint(&me, &gw.id).await.unwrap();
    settle(ops).await;
    ops.delete_inventory(&me, &bare.id).await.unwrap();
}

fn orders_endpoint() -> NewEndpoint {
    NewEndpoint {
        region_id: "cn-hangzhou".into(),
        vpc_id: VPC.into(),
        service_id: Some(ORDERS.into()),
        security_group_ids: vec!["sg-bp1contoso00000000001".into()],
        zones: vec![NewZone {
            zone_id: "cn-hangzhou-h".into(),
            vswitch_id: "vsw-bp1contoso000000000h".into(),
            ip: None,
        }],
        name: "orders".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn an_operator_grant_raises_the_ceiling_the_provider_may_throttle_to() {
    let mut app = demo_app().await;
    app.ops.demo_tools = true;
    let ops = &app.ops;
    let consumer = ctx(CONSUMER.0);
    let provider = ctx(PROVIDER.0);
    let ep = ops
        .create_endpoint(&consumer, orders_endpoint())
        .await
        .unwrap();
    ops.accept_connection(&provider, ORDERS, &ep.id, None, None)
        .await
        .unwrap();
    settle(ops).await;
    // The orders service is NLB: 51200 Mbit/s per zone for endpoints created after 2026-02-01.
    let over = 60_000;
    let e = ops
        .set_connection_bandwidth(&provider, ORDERS, &ep.id, Some(over), None)
        .await
        .unwrap_err();
    assert_eq!(e.code, "IllegalParamFormat.Bandwidth");
    assert_eq!(
        ops.request_bandwidth(&consumer, &ep.id, 20_000, "need more")
            .await
            .unwrap_err()
            .code,
        "IllegalParamFormat.Bandwidth",
        "within the maximum there is nothing to ask for"
    );
    assert_eq!(
        ops.request_bandwidth(&provider, &ep.id, over, "not mine")
            .await
            .unwrap_err()
            .code,
        "EndpointNotFound"
    );
    let req = ops
        .request_bandwidth(&consumer, &ep.id, over, "Black Friday sale")
        .await
        .unwrap();
    assert_eq!(req.status.as_str(), "Pending");
    assert_eq!(
        ops.request_bandwidth(&consumer, &ep.id, over, "again")
            .await
            .unwrap_err()
            .code,
        "BandwidthRequestExist"
    );
    let waiting = ops.pending_bandwidth_requests().await.unwrap();
    assert_eq!(waiting.len(), 1);
    ops.decide_bandwidth_request(&ctx("operator"), req.id, true)
        .await
        .unwrap();
    assert_eq!(
        ops.decide_bandwidth_request(&ctx("operator"), req.id, false)
            .await
            .unwrap_err()
            .code,
        "IncorrectStatus.BandwidthRequest"
    );
    ops.set_connection_bandwidth(&provider, ORDERS, &ep.id, Some(over), None)
        .await
        .unwrap();
    let listed = ops.bandwidth_requests(&consumer, &ep.id).await.unwrap();
    assert_eq!(listed[0].status.as_str(), "Granted");
    let k = ops
        .endpoint_connection(&consumer, &ep.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(k.max_bandwidth, over);
}

#[tokio::test]
async fn operator_tools_need_demo_mode() {
    let app = demo_app().await;
    assert_eq!(
        app.ops.pending_bandwidth_requests().await.unwrap_err().code,
        "Forbidden.DemoTools"
    );
}

#[tokio::test]
async fn a_linked_vpc_resolves_the_custom_domain_and_unlinking_stops_it() {
    let app = demo_app().await;
    let ops = &app.ops;
    let me = ctx(CONSUMER.0);
    let other = ops
        .create_vpc(
            &me,
            NewVpc {
                region_id: "cn-hangzhou".into(),
                name: "analytics".into(),
                cidr: "10.20.0.0/16".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut n = orders_endpoint();
    n.service_id = None;
    n.service_name = Some("com.aliyuncs.privatelink.cn-hangzhou.oss".into());
    n.private_dns_enabled = true;
    ops.create_endpoint(&me, n).await.unwrap();
    settle(ops).await;
    let custom = "oss-cn-hangzhou-internal.aliyuncs.com";
    let from_other = |ops: &Ops| {
        let me = me.clone();
        let vpc = other.id.clone();
        let ops = ops.clone();
        async move {
            ops.resolve(&me, custom, Some(&vpc), None)
                .await
                .unwrap()
                .addresses
        }
    };
    assert!(from_other(ops).await.is_empty());
    assert_eq!(
        ops.set_vpc_dns_link(&ctx(PROVIDER.0), &other.id, VPC, true)
            .await
            .unwrap_err()
            .code,
        "InvalidVpcId.NotFound"
    );
    ops.set_vpc_dns_link(&me, &other.id, VPC, true)
        .await
        .unwrap();
    assert_eq!(from_other(ops).await.len(), 1);
    assert_eq!(ops.vpc_dns_links(&me, VPC).await.unwrap().len(), 1);
    assert_eq!(
        ops.set_vpc_dns_link(&me, &other.id, VPC, true)
            .await
            .unwrap_err()
            .code,
        "ResourceAlreadyExist.DnsLink"
    );
    ops.set_vpc_dns_link(&me, &other.id, VPC, false)
        .await
        .unwrap();
    assert!(from_other(ops).await.is_empty());
}
