//! moto, the AWS emulator, as the other emulator in the `--api` table: started as a child process
//! (`python -m moto.server`) when a Python with moto is found, and driven by the same load
//! generator over the EC2 Query API (its counterparts of the PrivateLink calls).
//!
//! The Python is `LINKYARD_BENCH_PYTHON`, else `.venv/bin/python` (where `scripts/bench.sh`
//! installs `moto[server]`). moto checks no signatures, so its requests carry a SigV4-shaped
//! `Authorization` header only for routing (moto reads the service from its credential scope).

use super::{Call, Conn, Wire, pairs};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server; killed when dropped.
pub(crate) struct Moto {
    child: Child,
    pub(crate) addr: SocketAddr,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python that has moto, if any.
fn python() -> Option<String> {
    let candidate =
        std::env::var("LINKYARD_BENCH_PYTHON").unwrap_or_else(|_| ".venv/bin/python".into());
    let has_moto = Command::new(&candidate)
        .args(["-c", "import moto.server"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    has_moto.then_some(candidate)
}

/// Starts moto on a free loopback port; `None` (with the reason printed) when no Python has it.
pub(crate) async fn start() -> Option<Moto> {
    let Some(python) = python() else {
        println!(
            "  (moto rows left out: no Python with moto; `.venv/bin/pip install \"moto[server]\"` \
             or set LINKYARD_BENCH_PYTHON)"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(&python)
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto");
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let moto = Moto { child, addr };
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "moto did not start on {addr}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Some(moto)
}

/// An EC2 Query API request (`POST /`, form body) as raw HTTP/1.1.
pub(crate) fn request(host: &str, action: &str, params: &[(String, String)]) -> Vec<u8> {
    let mut form = vec![
        ("Action".to_string(), action.to_string()),
        ("Version".to_string(), "2016-11-15".to_string()),
    ];
    form.extend_from_slice(params);
    let body = linkyard::openapi::sign::encode_query(&form);
    let date = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    format!(
        "POST / HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/x-www-form-urlencoded; charset=utf-8\r\n\
         x-amz-date: {date}\r\nauthorization: AWS4-HMAC-SHA256 Credential=AKIDLINKYARDBENCH/{}/us-east-1/ec2/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature=0\r\ncontent-length: {}\r\n\r\n{body}",
        &date[..8],
        body.len()
    )
    .into_bytes()
}

/// The text of the first `<tag>…</tag>` in `xml`.
fn element(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(xml[start..end].to_string())
}

/// One call on moto during set-up; the answer's text (it must be 200).
async fn setup_call(c: &mut Conn, host: &str, action: &str, params: &[(&str, &str)]) -> String {
    let (status, body) = c.call(&request(host, action, &pairs(params))).await;
    let text = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 200, "moto {action}: {text}");
    text
}

/// Creates a VPC and a Gateway endpoint in it; the calls measured against moto: the counterpart
/// of GetVpcEndpointAttribute (DescribeVpcEndpoints of that endpoint) and of
/// UpdateVpcEndpointAttribute (ModifyVpcEndpoint with a new policy each time).
pub(crate) async fn calls(moto: &Moto) -> [Call; 2] {
    let host = moto.addr.to_string();
    let mut c = Conn::open(moto.addr).await;
    let vpc = setup_call(&mut c, &host, "CreateVpc", &[("CidrBlock", "10.0.0.0/16")]).await;
    let vpc = element(&vpc, "vpcId").expect("moto answered a vpcId");
    let endpoint = setup_call(
        &mut c,
        &host,
        "CreateVpcEndpoint",
        &[
            ("VpcId", vpc.as_str()),
            ("ServiceName", "com.amazonaws.us-east-1.s3"),
            ("VpcEndpointType", "Gateway"),
        ],
    )
    .await;
    let endpoint = element(&endpoint, "vpcEndpointId").expect("moto answered a vpcEndpointId");
    [
        Call {
            who: ("", ""),
            action: "DescribeVpcEndpoints",
            params: pairs(&[("VpcEndpointId.1", endpoint.as_str())]),
            vary: None,
            wire: Wire::Ec2,
        },
        Call {
            who: ("", ""),
            action: "ModifyVpcEndpoint",
            params: pairs(&[("VpcEndpointId", endpoint.as_str())]),
            vary: Some("PolicyDocument"),
            wire: Wire::Ec2,
        },
    ]
}
