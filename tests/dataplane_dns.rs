//! The data plane's DNS server on real sockets, over UDP and TCP: every name kind, serving and
//! non-serving zones, answer modes, and custom service domains scoped to VPC resolver addresses.

mod common;

use common::dataplane::*;
use hickory_server::proto::op::ResponseCode;
use hickory_server::proto::rr::RecordType;
use linkyard::dataplane::AnswerMode;
use linkyard::ops::inventory::NewVpc;
use std::net::{IpAddr, SocketAddr};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[tokio::test]
async fn endpoint_and_zone_domains_answer_with_serving_zones_only() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Local).await;
    let dns = rig.dns();
    let local = |z: &str| ip(rig.zone(z).local_ip.as_ref().unwrap());
    let zone_domain = |z: &str| rig.zone(z).domain.clone();

    let a = ask(dns, &rig.domain, RecordType::A).await;
    assert_eq!(a.code, ResponseCode::NoError);
    assert!(a.authoritative);
    assert_eq!(a.addrs, {
        let mut v = vec![local(H), local(I)];
        v.sort();
        v
    });
    assert!(a.ttls.iter().all(|t| *t == 5), "short TTL: {:?}", a.ttls);
    // Names are case-insensitive, and a trailing dot is the same name.
    let upper = rig.domain.to_ascii_uppercase() + ".";
    assert_eq!(ask(dns, &upper, RecordType::A).await.addrs, a.addrs);
    assert_eq!(
        ask(dns, &zone_domain(H), RecordType::A).await.addrs,
        [local(H)]
    );
    assert_eq!(
        ask(dns, &zone_domain(I), RecordType::A).await.addrs,
        [local(I)]
    );
    // Local addresses are IPv4: AAAA exists as a name, without records.
    let aaaa = ask(dns, &rig.domain, RecordType::AAAA).await;
    assert_eq!((aaaa.code, aaaa.addrs.len()), (ResponseCode::NoError, 0));

    for unknown in [
        "ep-nothere0000000000000.epsrv-bp1northwindorders01.cn-hangzhou.privatelink.aliyuncs.com"
            .to_string(),
        rig.domain.replacen("ep-", "ep-x", 1),
        format!("{}-cn-hangzhou-z.{}", rig.endpoint, ORDERS),
        "example.com".into(),
        "oss-cn-hangzhou-internal.aliyuncs.com".into(),
    ] {
        let a = ask(dns, &unknown, RecordType::A).await;
        assert_eq!(a.code, ResponseCode::NXDomain, "{unknown}");
    }

    // A zone outage removes the zone from the very next answer; recovery restores it.
    let ops = rig.ops();
    ops.set_zone_outage(&provider(), H, true).await.unwrap();
    assert_eq!(ask(dns, &rig.domain, RecordType::A).await.addrs, [local(I)]);
    let down = ask(dns, &zone_domain(H), RecordType::A).await;
    assert_eq!((down.code, down.addrs.len()), (ResponseCode::NoError, 0));
    ops.set_zone_outage(&provider(), H, false).await.unwrap();
    assert_eq!(ask(dns, &rig.domain, RecordType::A).await.addrs.len(), 2);

    // The provider disables zone i: once it settles, only h answers.
    ops.set_zone_connection(&provider(), ORDERS, &rig.endpoint, I, false)
        .await
        .unwrap();
    settle(ops).await;
    assert_eq!(ask(dns, &rig.domain, RecordType::A).await.addrs, [local(H)]);

    // Disconnecting the connection empties the answer.
    ops.reject_connection(&provider(), ORDERS, &rig.endpoint, None)
        .await
        .unwrap();
    let none = ask(dns, &rig.domain, RecordType::A).await;
    assert_eq!((none.code, none.addrs.len()), (ResponseCode::NoError, 0));
}

#[tokio::test]
async fn modelled_mode_answers_with_the_vswitch_ips() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Modelled).await;
    let a = ask(rig.dns(), &rig.domain, RecordType::A).await;
    let mut want = vec![ip(&rig.zone(H).ip), ip(&rig.zone(I).ip)];
    want.sort();
    assert_eq!(a.addrs, want);
}

#[tokio::test]
async fn custom_service_domains_answer_only_in_their_vpc_view() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Local).await;
    let ops = rig.ops();
    let me = consumer();
    let home = "vpc-bp1contoso0000000001";
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
    let mut n = endpoint_in_two_zones();
    n.service_id = None;
    n.service_name = Some("com.aliyuncs.privatelink.cn-hangzhou.oss".into());
    n.private_dns_enabled = true;
    let oss = ops.create_endpoint(&me, n).await.unwrap();
    settle(ops).await;
    let custom = "oss-cn-hangzhou-internal.aliyuncs.com";
    let port = rig.dns().port();
    let inventory = ops.inventory(&me, "cn-hangzhou").await.unwrap();
    let resolver = |vpc: &str| -> SocketAddr {
        let v = inventory.vpcs.iter().find(|v| v.id == vpc).unwrap();
        SocketAddr::new(ip(v.resolver_ip.as_ref().unwrap()), port)
    };
    let home_dns = resolver(home);
    let other_dns = resolver(&other.id);
    // The new VPC's resolver comes up with the next reconcile.
    rig.dp.reconcile_now();
    assert!(
        eventually(|| async move { ask_tcp(other_dns, custom, RecordType::A).await.is_some() })
            .await
    );

    let zones = ops.list_zones(&me, &oss.id).await.unwrap();
    let mut want: Vec<IpAddr> = zones
        .iter()
        .map(|z| ip(z.local_ip.as_ref().unwrap()))
        .collect();
    want.sort();
    let seen = ask(home_dns, custom, RecordType::A).await;
    assert_eq!(
        (seen.code, seen.addrs.clone()),
        (ResponseCode::NoError, want.clone())
    );
    assert_eq!(
        ask(rig.dns(), custom, RecordType::A).await.code,
        ResponseCode::NXDomain,
        "not in the default view"
    );
    assert_eq!(
        ask(other_dns, custom, RecordType::A).await.code,
        ResponseCode::NXDomain,
        "not from another VPC"
    );
    // Generated names answer in every view.
    assert_eq!(
        ask(other_dns, &rig.domain, RecordType::A).await.addrs.len(),
        2
    );
    // Linking the other VPC to the endpoint's VPC lets it resolve the custom domain.
    ops.set_vpc_dns_link(&me, &other.id, home, true)
        .await
        .unwrap();
    assert_eq!(ask(other_dns, custom, RecordType::A).await.addrs, want);
    ops.set_vpc_dns_link(&me, &other.id, home, false)
        .await
        .unwrap();
    assert_eq!(
        ask(other_dns, custom, RecordType::A).await.code,
        ResponseCode::NXDomain
    );
}
