//! The Demo page's traffic generator: a built-in backend (a sink on the listener's loopback
//! backend address, unless something already listens there) and a client per zone ENI that sends
//! as fast as the throttle lets it, reconnecting while the zone is cut, so a presenter can show the
//! limit, a zone outage and a disconnect on the live charts without any other program.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Running generators by endpoint id; cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Generators(Arc<Mutex<HashMap<String, Vec<JoinHandle<()>>>>>);

impl Generators {
    /// True while a generator runs for `endpoint`.
    pub fn running(&self, endpoint: &str) -> bool {
        self.0
            .lock()
            .expect("generators poisoned")
            .contains_key(endpoint)
    }

    /// Starts (or restarts) the generator of `endpoint`: `targets` are (zone ENI address and
    /// port, backend) pairs.
    pub fn start(&self, endpoint: &str, targets: Vec<(SocketAddr, SocketAddr)>) {
        self.stop(endpoint);
        let mut tasks = Vec::new();
        let mut backends: Vec<SocketAddr> = targets.iter().map(|t| t.1).collect();
        backends.sort();
        backends.dedup();
        for b in backends {
            tasks.push(tokio::spawn(sink(b)));
        }
        for (eni, _) in targets {
            tasks.push(tokio::spawn(client(eni)));
        }
        self.0
            .lock()
            .expect("generators poisoned")
            .insert(endpoint.to_string(), tasks);
    }

    /// Stops every generator (the demo was reset).
    pub fn stop_all(&self) {
        for (_, tasks) in self.0.lock().expect("generators poisoned").drain() {
            tasks.iter().for_each(JoinHandle::abort);
        }
    }

    /// Stops the generator of `endpoint`; false when none ran.
    pub fn stop(&self, endpoint: &str) -> bool {
        let tasks = self.0.lock().expect("generators poisoned").remove(endpoint);
        tasks.is_some_and(|t| {
            t.iter().for_each(JoinHandle::abort);
            true
        })
    }
}

/// Reads and discards on `addr` (nothing to do when another program already listens there).
async fn sink(addr: SocketAddr) {
    let Ok(l) = TcpListener::bind(addr).await else {
        return;
    };
    while let Ok((mut s, _)) = l.accept().await {
        tokio::spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            while matches!(s.read(&mut buf).await, Ok(n) if n > 0) {}
        });
    }
}

/// Sends zeros to `eni` as fast as it accepts them; reconnects after a cut.
async fn client(eni: SocketAddr) {
    let buf = vec![0u8; 64 * 1024];
    loop {
        if let Ok(mut s) = TcpStream::connect(eni).await {
            while s.write_all(&buf).await.is_ok() {}
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
