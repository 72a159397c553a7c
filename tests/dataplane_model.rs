//! Data-plane model: local loopback addresses allocated once and kept across a restart, VPC
//! resolver addresses, and load-balancer listeners (scenario, op, validation, audit).

mod common;

use common::{CONSUMER, PROVIDER, demo_app};
use linkyard::events::Bus;
use linkyard::ops::endpoints::{NewEndpoint, NewZone};
use linkyard::ops::{Ctx, Ops, Source};
use linkyard::store;

const LB: &str = "nlb-bp1northwind0000001";

fn ctx(account: &str) -> Ctx {
    Ctx::new(account, Source::Console)
}

fn two_zone_endpoint() -> NewEndpoint {
    NewEndpoint {
        region_id: "cn-hangzhou".into(),
        vpc_id: "vpc-bp1contoso0000000001".into(),
        service_id: Some("epsrv-bp1northwindorders01".into()),
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
                ip: None,
            },
        ],
        name: "orders".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn local_addresses_are_allocated_once_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = common::db::test_db_url(dir.path(), "dp.db");
    let pool = store::connect(&url).await.unwrap();
    store::migrate(&pool).await.unwrap();
    let ops = Ops::new(pool, Bus::new(), 0);
    let s = linkyard::scenario::parse(include_str!("../scenarios/demo.toml")).unwrap();
    linkyard::scenario::load(&ops, &s, false).await.unwrap();
    let me = ctx(CONSUMER.0);
    let a = ops.create_endpoint(&me, two_zone_endpoint()).await.unwrap();
    let b = ops.create_endpoint(&me, two_zone_endpoint()).await.unwrap();
    let mut ips = Vec::new();
    for e in [&a.id, &b.id] {
        for z in ops.list_zones(&me, e).await.unwrap() {
            let ip: std::net::Ipv4Addr = z.local_ip.clone().unwrap().parse().unwrap();
            assert!(ip.is_loopback(), "{ip}");
            assert_ne!(
                z.local_ip.as_deref(),
                Some(z.ip.as_str()),
                "next to the modelled IP"
            );
            ips.push((e.clone(), z.zone_id, z.local_ip.unwrap()));
        }
    }
    let mut distinct: Vec<_> = ips.iter().map(|x| x.2.clone()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "every ENI its own address: {ips:?}");
    let vpcs = ops.inventory(&me, "cn-hangzhou").await.unwrap().vpcs;
    let resolver = vpcs[0].resolver_ip.clone().unwrap();
    assert!(resolver.starts_with("127.53."), "{resolver}");
    // Deleting one endpoint does not move the other's addresses.
    ops.advance_due().await.unwrap();
    ops.delete_endpoint(&me, &a.id).await.unwrap();
    for _ in 0..5 {
        ops.advance_due().await.unwrap();
    }
    ops.pool.close().await;
    drop(ops);

    // Restart: the same database file, a new process state.
    let pool = store::connect(&url).await.unwrap();
    store::migrate(&pool).await.unwrap();
    let ops = Ops::new(pool, Bus::new(), 0);
    for z in ops.list_zones(&me, &b.id).await.unwrap() {
        let before = ips
            .iter()
            .find(|x| x.0 == b.id && x.1 == z.zone_id)
            .unwrap();
        assert_eq!(z.local_ip.as_deref(), Some(before.2.as_str()));
    }
    let c = ops.create_endpoint(&me, two_zone_endpoint()).await.unwrap();
    for z in ops.list_zones(&me, &c.id).await.unwrap() {
        assert!(
            !ips.iter()
                .any(|x| x.0 == b.id && Some(&x.2) == z.local_ip.as_ref()),
            "a new ENI never takes a live one's address"
        );
    }
    assert_eq!(
        ops.inventory(&me, "cn-hangzhou").await.unwrap().vpcs[0]
            .resolver_ip
            .as_deref(),
        Some(resolver.as_str())
    );
}

#[tokio::test]
async fn listeners_come_from_the_scenario_and_change_through_an_audited_op() {
    let app = demo_app().await;
    let ops = &app.ops;
    let provider = ctx(PROVIDER.0);
    let mine = ops.my_listeners(&provider).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].lb_id.as_str(), mine[0].port), (LB, 8080));
    assert_eq!(mine[0].backend, "127.0.0.1:18080");
    assert!(ops.my_listeners(&ctx(CONSUMER.0)).await.unwrap().is_empty());

    // Bad input: a clear code, nothing changes.
    for (port, proto, backend, code) in [
        (0, "TCP", "127.0.0.1:1", "IllegalParamFormat.ListenerPort"),
        (
            80,
            "UDP",
            "127.0.0.1:1",
            "IllegalParamFormat.ListenerProtocol",
        ),
        (80, "TCP", "10.0.0.8:80", "IllegalParamFormat.Backend"),
        (80, "TCP", "nowhere", "IllegalParamFormat.Backend"),
    ] {
        let e = ops
            .set_listener(&provider, LB, port, proto, backend)
            .await
            .unwrap_err();
        assert_eq!(e.code, code, "{port} {proto} {backend}");
    }
    assert_eq!(
        ops.set_listener(&ctx(CONSUMER.0), LB, 80, "TCP", "127.0.0.1:9")
            .await
            .unwrap_err()
            .code,
        "LoadBalancerNotFound",
        "another account's load balancer"
    );
    assert_eq!(ops.my_listeners(&provider).await.unwrap(), mine);

    ops.set_listener(&provider, LB, 9000, "tcp", "127.0.0.1:19000")
        .await
        .unwrap();
    ops.set_listener(&provider, LB, 8080, "TCP", "127.0.0.1:18081")
        .await
        .unwrap();
    let now = ops.my_listeners(&provider).await.unwrap();
    assert_eq!(
        now.iter()
            .map(|l| (l.port, l.backend.as_str()))
            .collect::<Vec<_>>(),
        vec![(8080, "127.0.0.1:18081"), (9000, "127.0.0.1:19000")]
    );
    ops.delete_listener(&provider, LB, 9000).await.unwrap();
    assert_eq!(
        ops.delete_listener(&provider, LB, 9000)
            .await
            .unwrap_err()
            .code,
        "ResourceNotFound.Listener"
    );
    let mut c = ops.pool.acquire().await.unwrap();
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_events WHERE target = $1 AND action LIKE '%Listener' ORDER BY id",
    )
    .bind(LB)
    .fetch_all(&mut *c)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "CreateListener",
            "CreateListener",
            "UpdateListener",
            "DeleteListener"
        ]
    );
}
