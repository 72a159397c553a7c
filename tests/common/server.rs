//! Test support for the real binary: start `linkyard serve` on a SQLite file and a free port,
//! and call it over a real socket (plain HTTP/1.1, one connection per request) with V3-signed
//! cloud API requests.
#![allow(dead_code)]

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use linkyard::openapi::sign;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const NORTHWIND: (&str, &str) = ("LTAI5tNorthwindDemo01", "northwind-secret-0001");
pub const CONTOSO: (&str, &str) = ("LTAI5tContosoDemo0001", "contoso-secret-00001");
pub const FABRIKAM: (&str, &str) = ("LTAI5tFabrikamDemo001", "fabrikam-secret-0001");
pub const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/demo.toml");

/// A running `linkyard serve`.
pub struct Server {
    pub child: Child,
    pub addr: String,
    pub stdout: PathBuf,
    pub stderr: PathBuf,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `sqlite://<dir>/<name>`.
pub fn db_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

/// The binary with a clean environment (no seal key or database from the caller's shell).
pub fn linkyard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_linkyard"));
    c.env("LINKYARD_LOG", "warn")
        .env_remove("LINKYARD_DATABASE_URL")
        .env_remove("LINKYARD_SEAL_KEY")
        .env_remove("LINKYARD_SEAL_KEY_FILE")
        .env_remove("LINKYARD_SCENARIO")
        .env_remove("LINKYARD_RESET");
    c
}

impl Server {
    /// Starts `serve` on `url` with the demo scenario (loaded when the store is empty) and waits
    /// until `/healthz` answers. `envs` are added to the environment.
    pub fn start(dir: &Path, url: &str, delay_ms: u64, envs: &[(&str, &str)]) -> Server {
        let mut s = Self::spawn(dir, url, delay_ms, envs);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok((200, _)) = http(&s.addr, "GET", "/healthz", &HeaderMap::new(), b"") {
                return s;
            }
            if let Some(status) = s.child.try_wait().unwrap() {
                panic!(
                    "linkyard serve exited with {status}: {}",
                    std::fs::read_to_string(&s.stderr).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "linkyard serve did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts `serve` without waiting for it.
    pub fn spawn(dir: &Path, url: &str, delay_ms: u64, envs: &[(&str, &str)]) -> Server {
        let addr = format!("127.0.0.1:{}", free_port());
        let n = std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
        let stdout = dir.join(format!("serve-{n}.out"));
        let stderr = dir.join(format!("serve-{n}.err"));
        let mut cmd = linkyard();
        cmd.args(["--database-url", url, "serve", "--addr", &addr])
            .args(["--scenario", DEMO])
            .args(["--transition-delay-ms", &delay_ms.to_string()])
            .args(["--site-root", &dir.join("site").display().to_string()])
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        Server {
            child: cmd.spawn().unwrap(),
            addr,
            stdout,
            stderr,
        }
    }

    /// SIGKILL, like a power cut for the process (no shutdown, no checkpoint).
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for the process to end by itself; its exit code and stderr.
    pub fn exit(mut self, within: Duration) -> (Option<i32>, String) {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (
                    status.code(),
                    std::fs::read_to_string(&self.stderr).unwrap_or_default(),
                );
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("linkyard did not exit");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection; the status and the body.
pub fn http(
    addr: &str,
    method: &str,
    target: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    http_full(addr, method, target, headers, body).map(|(status, _, body)| (status, body))
}

/// [`http`], with the response head (status line and headers) as well.
pub fn http_full(
    addr: &str,
    method: &str,
    target: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> std::io::Result<(u16, String, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!("{method} {target} HTTP/1.1\r\n");
    if !headers.contains_key("host") {
        req.push_str(&format!("host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{}: {}\r\n", k, v.to_str().unwrap()));
    }
    req.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    s.write_all(req.as_bytes())?;
    s.write_all(body)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete answer")
    })?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Ok((status, head.to_string(), body))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A V3-signed cloud API call (`POST /?<params>`, like the Python SDK); the status and the JSON.
pub fn call(
    addr: &str,
    who: (&str, &str),
    action: &str,
    params: &[(String, String)],
) -> std::io::Result<(u16, Value)> {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    call_with_nonce(addr, who, action, params, &nonce)
}

/// [`call`] with the given signature nonce (to replay one).
pub fn call_with_nonce(
    addr: &str,
    (key, secret): (&str, &str),
    action: &str,
    params: &[(String, String)],
    nonce: &str,
) -> std::io::Result<(u16, Value)> {
    let mut headers = HeaderMap::new();
    let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    for (name, value) in [
        ("host", addr),
        ("x-acs-action", action),
        ("x-acs-version", "2020-04-15"),
        ("x-acs-date", &date),
        ("x-acs-signature-nonce", nonce),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    sign::sign_v3("POST", "/", params, &mut headers, b"", key, secret);
    let target = format!("/?{}", sign::encode_query(params));
    let (status, body) = http(addr, "POST", &target, &headers, b"")?;
    Ok((status, serde_json::from_str(&body).unwrap_or(Value::Null)))
}

/// The parameters of Contoso's CreateVpcEndpoint on Northwind's orders service (one zone), named
/// `name`, with ClientToken `token`.
pub fn endpoint_params(name: &str, token: &str) -> Vec<(String, String)> {
    pairs(&[
        ("RegionId", "cn-hangzhou"),
        ("ServiceId", "epsrv-bp1northwindorders01"),
        ("VpcId", "vpc-bp1contoso0000000001"),
        ("EndpointName", name),
        ("SecurityGroupId.1", "sg-bp1contoso00000000001"),
        ("Zone.1.ZoneId", "cn-hangzhou-h"),
        ("Zone.1.VSwitchId", "vsw-bp1contoso000000000h"),
        ("ClientToken", token),
    ])
}

/// `[(k, v)]` as owned pairs.
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
