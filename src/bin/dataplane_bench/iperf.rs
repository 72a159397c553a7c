//! Throughput with the standard tool: iperf3 (client and server as processes of their own, as a
//! user's client and backend are) directly over loopback, through Linkyard's proxy, and through
//! HAProxy in TCP mode with splice (a production proxy, as the reference on the same machine).
//! Each tool is used only when it is on `PATH` (`scripts/bench.sh --with-dataplane` installs
//! both from Debian's packages); a missing one is named in the output.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
pub struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether `program --version` runs.
fn on_path(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

async fn wait_listening(addr: SocketAddr, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "{what} did not start on {addr}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// An iperf3 server on a free loopback port, or `None` (reason printed) without iperf3.
pub async fn server() -> Option<(Running, SocketAddr)> {
    if !on_path("iperf3") {
        println!("  (iperf3 rows left out: iperf3 is not on PATH; apt-get install iperf3)");
        return None;
    }
    let addr: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let child = Command::new("iperf3")
        .args(["-s", "-B", "127.0.0.1", "-p", &addr.port().to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start iperf3 -s");
    let running = Running(child);
    // Not probed with a connect (iperf3 would take it for a test's control connection): the
    // port is taken once the server listens.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpListener::bind(addr).is_ok() {
        assert!(
            Instant::now() < deadline,
            "iperf3 -s did not start on {addr}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Some((running, addr))
}

/// HAProxy forwarding `listen` to `backend` (TCP mode, two threads, splice), or `None` (reason
/// printed) without haproxy.
pub async fn haproxy(backend: SocketAddr) -> Option<(Running, SocketAddr)> {
    if !on_path("haproxy") {
        println!("  (HAProxy row left out: haproxy is not on PATH; apt-get install haproxy)");
        return None;
    }
    let listen: SocketAddr = ([127, 0, 0, 1], free_port()).into();
    let config = format!(
        "global\n  nbthread 2\n  maxconn 4000\ndefaults\n  mode tcp\n  option splice-auto\n  \
         timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n\
         listen bench\n  bind {listen}\n  server backend {backend}\n"
    );
    let path =
        std::env::temp_dir().join(format!("linkyard-bench-haproxy-{}.cfg", std::process::id()));
    std::fs::write(&path, config).expect("write the haproxy config");
    let child = Command::new("haproxy")
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start haproxy");
    let running = Running(child);
    wait_listening(listen, "haproxy").await;
    // Read at start-up; not needed any more.
    let _ = std::fs::remove_file(&path);
    Some((running, listen))
}

/// Mbit/s one iperf3 connection to `to` reaches over `secs` (the first second left out as
/// warm-up), as the server received it; `None` when the run failed.
pub async fn client(to: SocketAddr, secs: u64) -> Option<f64> {
    let out = tokio::task::spawn_blocking(move || {
        Command::new("iperf3")
            .args(["-c", &to.ip().to_string(), "-p", &to.port().to_string()])
            .args(["-t", &secs.to_string(), "-O", "1", "-J"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
    })
    .await
    .ok()?
    .ok()?;
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let mbps = report["end"]["sum_received"]["bits_per_second"]
        .as_f64()
        .map(|bps| bps / 1e6);
    if mbps.is_none() {
        println!(
            "  (iperf3 -c {to}: {})",
            report["error"].as_str().unwrap_or("no result")
        );
    }
    mbps
}
