//! The data plane's TCP proxy on real sockets: a backend reached through an endpoint zone's local
//! address (found with the DNS server), the connection rules cutting live connections, and the
//! throttle holding the connection's bandwidth within ±10 % over 5 s.

mod common;

use common::dataplane::*;
use hickory_server::proto::rr::RecordType;
use linkyard::dataplane::AnswerMode;
use linkyard::dataplane::proxy::Proxy;
use linkyard::dataplane::traffic::Traffic;
use linkyard::store::dataplane::ProxyRow;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PORT: u16 = 8080;

#[tokio::test]
async fn a_backend_answers_through_the_endpoint_domain() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Local).await;
    let backend = echo_backend().await;
    rig.listen(PORT, backend).await;
    // Resolve the endpoint domain with the data plane's DNS, then connect to each answer.
    let answer = ask(rig.dns(), &rig.domain, RecordType::A).await;
    assert_eq!(answer.addrs.len(), 2);
    for ip in answer.addrs {
        let mut s = echo_connection(SocketAddr::new(ip, PORT)).await;
        let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (mut r, mut w) = s.split();
        let send = async {
            w.write_all(&payload).await.unwrap();
            w.shutdown().await.unwrap();
        };
        let mut back = Vec::new();
        let recv = r.read_to_end(&mut back);
        let (_, got) = tokio::join!(send, recv);
        got.unwrap();
        assert_eq!(back, payload, "echoed through {ip}");
    }
    // The traffic is counted per zone, for the consumer and the provider alike.
    let view = rig
        .ops()
        .endpoint_traffic(&provider(), &rig.endpoint)
        .await
        .unwrap();
    assert_eq!(view.zones.len(), 2);
    for z in &view.zones {
        assert_eq!(z.bytes_in, 200_004, "{z:?}");
        assert_eq!(z.bytes_out, 200_004, "{z:?}");
        assert_eq!(z.limit_mbps, 10240.0, "NLB elastic bandwidth");
    }
    assert!(
        rig.ops()
            .endpoint_traffic(
                &linkyard::ops::Ctx::new(common::STRANGER.0, linkyard::ops::Source::Console),
                &rig.endpoint
            )
            .await
            .is_err()
    );
    let text = common::Client::new(&rig.app).get("/metrics").await.body;
    assert!(
        text.contains(&format!(
            "linkyard_dataplane_bytes_total{{endpoint=\"{}\",zone=\"{H}\",direction=\"in\"}} 200004",
            rig.endpoint
        )),
        "{text}"
    );
    // A listener that is removed stops serving.
    rig.ops()
        .delete_listener(&provider(), LB, PORT.into())
        .await
        .unwrap();
    assert!(refuses(rig.eni(H, PORT)).await);
}

#[tokio::test]
async fn disconnecting_cuts_live_connections_and_refuses_new_ones() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Local).await;
    rig.listen(PORT, echo_backend().await).await;
    let mut h = echo_connection(rig.eni(H, PORT)).await;
    let mut i = echo_connection(rig.eni(I, PORT)).await;
    rig.ops()
        .reject_connection(&provider(), ORDERS, &rig.endpoint, Some("maintenance"))
        .await
        .unwrap();
    assert!(is_cut(&mut h).await);
    assert!(is_cut(&mut i).await);
    assert!(refuses(rig.eni(H, PORT)).await);
    assert!(refuses(rig.eni(I, PORT)).await);
    // Accepting again serves again.
    settle(rig.ops()).await;
    rig.ops()
        .accept_connection(&provider(), ORDERS, &rig.endpoint, None, None)
        .await
        .unwrap();
    settle(rig.ops()).await;
    let eni = rig.eni(H, PORT);
    assert!(eventually(|| async move { TcpStream::connect(eni).await.is_ok() }).await);
    echo_connection(eni).await;
}

#[tokio::test]
async fn disabling_a_zone_cuts_that_zone_only() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Local).await;
    rig.listen(PORT, echo_backend().await).await;
    let mut h = echo_connection(rig.eni(H, PORT)).await;
    let mut i = echo_connection(rig.eni(I, PORT)).await;
    rig.ops()
        .set_zone_connection(&provider(), ORDERS, &rig.endpoint, I, false)
        .await
        .unwrap();
    settle(rig.ops()).await;
    assert!(is_cut(&mut i).await);
    assert!(refuses(rig.eni(I, PORT)).await);
    // Zone h still carries its connection.
    h.write_all(b"still").await.unwrap();
    let mut got = [0u8; 5];
    h.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"still");
}

#[tokio::test]
async fn a_zone_outage_and_an_overdue_payment_cut_traffic() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Local).await;
    rig.listen(PORT, echo_backend().await).await;
    let ops = rig.ops();
    let mut h = echo_connection(rig.eni(H, PORT)).await;
    ops.set_zone_outage(&provider(), H, true).await.unwrap();
    assert!(is_cut(&mut h).await);
    assert!(refuses(rig.eni(H, PORT)).await);
    let mut i = echo_connection(rig.eni(I, PORT)).await;
    ops.set_zone_outage(&provider(), H, false).await.unwrap();
    let eni = rig.eni(H, PORT);
    assert!(eventually(|| async move { TcpStream::connect(eni).await.is_ok() }).await);

    ops.set_overdue(&provider(), common::CONSUMER.0, true)
        .await
        .unwrap();
    assert!(is_cut(&mut i).await);
    assert!(refuses(rig.eni(I, PORT)).await);
    assert!(refuses(rig.eni(H, PORT)).await);
}

/// Sends as fast as possible through `eni` to a counting backend; returns Mbit/s over 5 s.
async fn measure(listen: impl AsyncFnOnce(SocketAddr), eni: SocketAddr) -> f64 {
    let window = Duration::from_secs(5);
    let (sink, counted) = sink_backend(window).await;
    listen(sink).await;
    let sender = blast(eni).await;
    let bytes = counted.await.unwrap();
    sender.abort();
    bytes as f64 * 8.0 / 1_000_000.0 / window.as_secs_f64()
}

fn within_10_percent(measured: f64, limit: f64) {
    eprintln!("throttle: {measured:.2} Mbit/s measured at a limit of {limit} Mbit/s");
    assert!(
        (measured - limit).abs() <= limit * 0.10,
        "measured {measured:.2} Mbit/s against a limit of {limit} Mbit/s"
    );
}

#[tokio::test]
async fn the_connection_bandwidth_limit_holds_at_100_mbits() {
    let _turn = SERIAL.lock().await;
    let rig = Rig::new(AnswerMode::Local).await;
    let window = Duration::from_secs(5);
    let (sink, counted) = sink_backend(window).await;
    let (svc, ep, eni) = rig.clb_endpoint(9100, sink).await;
    rig.ops()
        .set_connection_bandwidth(&provider(), &svc, &ep, Some(100), None)
        .await
        .unwrap();
    settle(rig.ops()).await;
    rig.serves(eni, sink).await;
    let limit = |rig: &Rig| {
        let ep = ep.clone();
        let ops = rig.ops().clone();
        async move { ops.endpoint_traffic(&consumer(), &ep).await.unwrap().zones[0].limit_mbps }
    };
    assert!(eventually(|| async { limit(&rig).await == 100.0 }).await);
    let sender = blast(eni).await;
    let bytes = counted.await.unwrap();
    sender.abort();
    within_10_percent(bytes as f64 * 8.0 / 1e6 / window.as_secs_f64(), 100.0);
}

/// A plan row for a connected zone at `mbps` in BandwidthLimit mode (below the 100 Mbit/s the
/// cloud API accepts, so the proxy is driven directly).
fn row(port: u16, backend: SocketAddr, mbps: i64) -> ProxyRow {
    ProxyRow {
        endpoint_id: "ep-throttle0000000000000".into(),
        zone_id: H.into(),
        local_seq: Some(4000),
        endpoint_type: "Interface".into(),
        endpoint_created_at: 0,
        connection_status: linkyard::domain::state::ConnectionStatus::Connected,
        bandwidth: mbps,
        traffic_control_mode: linkyard::domain::state::TrafficMode::BandwidthLimit,
        zone_max_override: None,
        zone_status: linkyard::domain::state::ZoneStatus::Connected,
        healthy: true,
        outage: false,
        resource_type: "nlb".into(),
        lb_id: LB.into(),
        port: port.into(),
        backend: backend.to_string(),
    }
}

#[tokio::test]
async fn the_throttle_holds_at_10_mbits_and_follows_a_live_change() {
    let _turn = SERIAL.lock().await;
    let traffic = Traffic::default();
    let mut proxy = Proxy::new(traffic.clone());
    let eni = SocketAddr::new(
        linkyard::domain::dataplane::eni_local_ip(4000)
            .unwrap()
            .into(),
        PORT,
    );
    let mbps = measure(
        async |sink| proxy.reconcile(vec![row(PORT, sink, 10)]).await,
        eni,
    )
    .await;
    within_10_percent(mbps, 10.0);

    // The provider raises the limit while a connection is open: the same connection speeds up.
    let window = Duration::from_secs(5);
    let (sink, counted) = sink_backend(window * 2).await;
    proxy.reconcile(vec![row(PORT, sink, 10)]).await;
    let sender = blast(eni).await;
    tokio::time::sleep(window).await;
    let stats = traffic.zone(&("ep-throttle0000000000000".into(), H.into()));
    let before = stats.bytes_in.load(std::sync::atomic::Ordering::Relaxed);
    proxy.reconcile(vec![row(PORT, sink, 20)]).await;
    tokio::time::sleep(window).await;
    let after = stats.bytes_in.load(std::sync::atomic::Ordering::Relaxed);
    sender.abort();
    drop(counted);
    within_10_percent((after - before) as f64 * 8.0 / 1e6 / 5.0, 20.0);
}
