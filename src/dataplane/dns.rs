//! The authoritative DNS server (hickory-server) for PrivateLink names, answering from the live
//! model on every query: endpoint domains with their serving zones, zone domains with their zone,
//! and custom service domains only in the view of the endpoint's VPC (or VPCs linked to it).
//!
//! Every view is one [`Server`] on its own address: `--dns-addr` answers the default view (no
//! VPC), and each VPC's resolver address (127.53.0.0 + n, same port) answers that VPC's view, so
//! the view is chosen by the address a query arrives on.

use super::AnswerMode;
use crate::domain::dataplane::{ZoneState, eni_local_ip, split_endpoint_name};
use crate::store::DbPool;
use crate::store::dataplane as dq;
use hickory_server::Server;
use hickory_server::net::runtime::Time;
use hickory_server::proto::op::{Edns, Header, HeaderCounts, Metadata, ResponseCode};
use hickory_server::proto::rr::rdata::{A, AAAA};
use hickory_server::proto::rr::{Name, RData, Record, RecordType};
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// TTL of every answer, in seconds: short, so a change reaches resolvers that cache.
pub const TTL: u32 = 5;

/// What one view answers for a name: `None` is NXDOMAIN; `Some` lists the addresses (possibly
/// none: the name exists but no zone serves, or it has no address of the asked type).
pub async fn lookup(
    pool: &DbPool,
    view: Option<&str>,
    mode: AnswerMode,
    name: &str,
    rtype: RecordType,
) -> Result<Option<Vec<IpAddr>>, sqlx::Error> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let mut c = pool.acquire().await?;
    let endpoints: Vec<(String, Option<String>)> =
        if let Some((endpoint, zone)) = split_endpoint_name(&name) {
            match zone {
                None => match dq::endpoint_domain(&mut c, endpoint).await? {
                    Some(d) if d == name => vec![(endpoint.to_string(), None)],
                    _ => return Ok(None),
                },
                Some(_) => vec![(endpoint.to_string(), Some(name.clone()))],
            }
        } else if let Some(vpc) = view {
            dq::custom_domain_endpoints(&mut c, &name, vpc)
                .await?
                .into_iter()
                .map(|e| (e, None))
                .collect()
        } else {
            return Ok(None);
        };
    if endpoints.is_empty() {
        return Ok(None);
    }
    let mut found = false;
    let mut out = Vec::new();
    for (endpoint, zone_domain) in endpoints {
        for z in dq::dns_zones(&mut c, &endpoint).await? {
            if zone_domain.as_ref().is_some_and(|d| *d != z.domain) {
                continue;
            }
            found = true;
            let state = ZoneState {
                connection_status: z.connection_status,
                zone_status: z.zone_status,
                healthy: z.healthy,
                outage: z.outage,
            };
            if !state.serves() {
                continue;
            }
            let addr: Option<IpAddr> = match (mode, rtype) {
                (AnswerMode::Local, RecordType::A) => {
                    z.local_seq.and_then(eni_local_ip).map(IpAddr::V4)
                }
                (AnswerMode::Modelled, RecordType::A) => z.ip.parse().ok(),
                (AnswerMode::Modelled, RecordType::AAAA) => {
                    z.ipv6.as_deref().and_then(|v| v.parse().ok())
                }
                _ => None,
            };
            out.extend(addr);
        }
    }
    Ok(found.then_some(out))
}

/// Answers DNS queries for one view.
pub struct Handler {
    pub pool: DbPool,
    /// The VPC whose view this is (`None`: the default view, without custom domains).
    pub view: Option<String>,
    pub mode: AnswerMode,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response: R,
    ) -> ResponseInfo {
        let mut meta = Metadata::response_from_request(&request.metadata);
        let edns = request.edns.as_ref().map(|req| {
            let mut e = Edns::new();
            e.set_max_payload(req.max_payload().max(512));
            e
        });
        let mut builder = MessageResponseBuilder::from_message_request(request);
        if let Some(e) = &edns {
            builder.edns(e);
        }
        let failed = |meta: Metadata| {
            ResponseInfo::from(Header {
                metadata: meta,
                counts: HeaderCounts::default(),
            })
        };
        let Ok(info) = request.request_info() else {
            meta.response_code = ResponseCode::FormErr;
            return response
                .send_response(builder.build_no_records(meta))
                .await
                .unwrap_or_else(|_| failed(meta));
        };
        let qname: Name = info.query.name().into();
        let rtype = info.query.query_type();
        let found = lookup(
            &self.pool,
            self.view.as_deref(),
            self.mode,
            &qname.to_ascii(),
            rtype,
        )
        .await;
        meta.authoritative = true;
        let records: Vec<Record> = match found {
            Ok(Some(addrs)) => addrs
                .into_iter()
                .map(|ip| {
                    let data = match ip {
                        IpAddr::V4(v4) => RData::A(A(v4)),
                        IpAddr::V6(v6) => RData::AAAA(AAAA(v6)),
                    };
                    Record::from_rdata(qname.clone(), TTL, data)
                })
                .collect(),
            Ok(None) => {
                meta.response_code = ResponseCode::NXDomain;
                vec![]
            }
            Err(e) => {
                tracing::warn!(error = %e, "DNS lookup failed");
                meta.authoritative = false;
                meta.response_code = ResponseCode::ServFail;
                vec![]
            }
        };
        let msg = builder.build(meta, records.iter(), [], [], []);
        response
            .send_response(msg)
            .await
            .unwrap_or_else(|_| failed(meta))
    }
}

/// A UDP socket and a TCP listener on one port of `addr`. With port 0 the system picks the UDP
/// port, and that port may be taken for TCP (by an outgoing connection, say): then another is
/// picked, a few times.
async fn bind_pair(
    addr: SocketAddr,
) -> std::io::Result<(tokio::net::UdpSocket, tokio::net::TcpListener, SocketAddr)> {
    let mut tries = 0;
    loop {
        let udp = tokio::net::UdpSocket::bind(addr).await?;
        let bound = udp.local_addr()?;
        match tokio::net::TcpListener::bind(bound).await {
            Ok(tcp) => return Ok((udp, tcp, bound)),
            Err(e)
                if addr.port() == 0 && e.kind() == std::io::ErrorKind::AddrInUse && tries < 20 =>
            {
                tries += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Starts one view's server on `addr` (UDP and TCP). Dropping the server stops it.
pub async fn serve(
    addr: SocketAddr,
    handler: Handler,
) -> std::io::Result<(Server<Handler>, SocketAddr)> {
    let (udp, tcp, bound) = bind_pair(addr).await?;
    let mut server = Server::new(handler);
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(5), 64 * 1024);
    Ok((server, bound))
}
