//! Traffic counters per endpoint zone ENI: bytes each way, open connections, the limit in force,
//! and one sample a second for the live charts. Rendered into `/metrics` with bounded labels.

use crate::domain::dataplane::{TrafficSample, ZoneTrafficView};
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Samples kept per zone (two minutes at one a second).
const SAMPLES: usize = 120;
/// At most this many zones get their own series in `/metrics`; the rest are summed into
/// `endpoint="other"`, so label cardinality stays bounded whatever the store holds.
pub const MAX_SERIES: usize = 200;

/// An endpoint zone: (endpoint id, zone id).
pub type ZoneKey = (String, String);

/// The counters of one zone ENI.
#[derive(Debug, Default)]
pub struct ZoneStats {
    pub bytes_in: AtomicU64,
    pub bytes_out: AtomicU64,
    pub connections: AtomicU64,
    /// The limit each direction runs at, in bytes per second.
    pub limit_bps: AtomicU64,
    history: Mutex<History>,
}

#[derive(Debug, Default)]
struct History {
    last_in: u64,
    last_out: u64,
    last_ms: i64,
    samples: VecDeque<TrafficSample>,
}

impl ZoneStats {
    /// Throughput over the last sample, bytes per second each way.
    pub fn current_bps(&self) -> (f64, f64) {
        let h = self.history.lock().expect("stats poisoned");
        h.samples.back().map_or((0.0, 0.0), |s| {
            (s.in_mbps * 125_000.0, s.out_mbps * 125_000.0)
        })
    }

    fn sample(&self, now_ms: i64) {
        let (i, o) = (
            self.bytes_in.load(Ordering::Relaxed),
            self.bytes_out.load(Ordering::Relaxed),
        );
        let mut h = self.history.lock().expect("stats poisoned");
        if h.last_ms > 0 {
            let secs = ((now_ms - h.last_ms) as f64 / 1000.0).max(0.001);
            let mbps = |d: u64| d as f64 * 8.0 / 1_000_000.0 / secs;
            let s = TrafficSample {
                at_ms: now_ms,
                in_mbps: mbps(i.saturating_sub(h.last_in)),
                out_mbps: mbps(o.saturating_sub(h.last_out)),
            };
            h.samples.push_back(s);
            if h.samples.len() > SAMPLES {
                h.samples.pop_front();
            }
        }
        h.last_in = i;
        h.last_out = o;
        h.last_ms = now_ms;
    }

    fn view(&self, zone_id: &str) -> ZoneTrafficView {
        ZoneTrafficView {
            zone_id: zone_id.to_string(),
            limit_mbps: self.limit_bps.load(Ordering::Relaxed) as f64 / 125_000.0,
            bytes_in: self.bytes_in.load(Ordering::Relaxed),
            bytes_out: self.bytes_out.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
            samples: self
                .history
                .lock()
                .expect("stats poisoned")
                .samples
                .iter()
                .cloned()
                .collect(),
        }
    }
}

/// Every zone's counters; cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct Traffic(Arc<Mutex<BTreeMap<ZoneKey, Arc<ZoneStats>>>>);

impl Traffic {
    /// The counters of a zone, created on first use.
    pub fn zone(&self, key: &ZoneKey) -> Arc<ZoneStats> {
        self.0
            .lock()
            .expect("traffic poisoned")
            .entry(key.clone())
            .or_default()
            .clone()
    }

    /// Forgets zones not in `keep` (zones that no longer exist or have no listener).
    pub fn retain(&self, keep: impl Fn(&ZoneKey) -> bool) {
        self.0
            .lock()
            .expect("traffic poisoned")
            .retain(|k, _| keep(k));
    }

    fn all(&self) -> Vec<(ZoneKey, Arc<ZoneStats>)> {
        self.0
            .lock()
            .expect("traffic poisoned")
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Takes one sample of every zone (the data plane calls this once a second).
    pub fn sample(&self, now_ms: i64) {
        for (_, z) in self.all() {
            z.sample(now_ms);
        }
    }

    /// The zones of `endpoint_id` the proxy serves or served.
    pub fn endpoint(&self, endpoint_id: &str) -> Vec<ZoneTrafficView> {
        self.all()
            .into_iter()
            .filter(|((e, _), _)| e == endpoint_id)
            .map(|((_, z), s)| s.view(&z))
            .collect()
    }

    /// The Prometheus text of the data-plane series.
    pub fn render(&self) -> String {
        let all = self.all();
        let mut rows: Vec<(String, String, [f64; 6])> = Vec::new();
        let mut other = [0.0; 6];
        for (i, ((e, z), s)) in all.iter().enumerate() {
            let (cur_in, cur_out) = s.current_bps();
            let v = [
                s.bytes_in.load(Ordering::Relaxed) as f64,
                s.bytes_out.load(Ordering::Relaxed) as f64,
                cur_in,
                cur_out,
                s.connections.load(Ordering::Relaxed) as f64,
                s.limit_bps.load(Ordering::Relaxed) as f64,
            ];
            if i < MAX_SERIES {
                rows.push((e.clone(), z.clone(), v));
            } else {
                for (o, x) in other.iter_mut().zip(v) {
                    *o += x;
                }
            }
        }
        if all.len() > MAX_SERIES {
            rows.push(("other".into(), "other".into(), other));
        }
        let metrics = [
            (
                "linkyard_dataplane_bytes_total",
                "counter",
                "Bytes proxied through an endpoint zone ENI.",
                None,
            ),
            (
                "linkyard_dataplane_throughput_bytes_per_second",
                "gauge",
                "Throughput of an endpoint zone ENI over the last second.",
                None,
            ),
            (
                "linkyard_dataplane_connections",
                "gauge",
                "Proxied connections open on an endpoint zone ENI.",
                Some(4),
            ),
            (
                "linkyard_dataplane_limit_bytes_per_second",
                "gauge",
                "The rate each direction of an endpoint zone ENI is throttled to.",
                Some(5),
            ),
        ];
        let mut out = String::new();
        for (m, (name, kind, help, single)) in metrics.iter().enumerate() {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (e, z, v) in &rows {
                match single {
                    Some(i) => {
                        let _ = writeln!(out, "{name}{{endpoint=\"{e}\",zone=\"{z}\"}} {}", v[*i]);
                    }
                    None => {
                        for (dir, i) in [("in", 2 * m), ("out", 2 * m + 1)] {
                            let _ = writeln!(
                                out,
                                "{name}{{endpoint=\"{e}\",zone=\"{z}\",direction=\"{dir}\"}} {}",
                                v[i]
                            );
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_and_series() {
        let t = Traffic::default();
        let z = t.zone(&("ep-a".into(), "cn-hangzhou-h".into()));
        z.limit_bps.store(1_250_000, Ordering::Relaxed);
        t.sample(1_000);
        z.bytes_in.fetch_add(1_250_000, Ordering::Relaxed);
        t.sample(2_000);
        let v = t.endpoint("ep-a");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].samples.len(), 1);
        assert!((v[0].samples[0].in_mbps - 10.0).abs() < 1e-9);
        assert_eq!(v[0].limit_mbps, 10.0);
        let text = t.render();
        assert!(text.contains(
            "linkyard_dataplane_bytes_total{endpoint=\"ep-a\",zone=\"cn-hangzhou-h\",direction=\"in\"} 1250000"
        ), "{text}");
        assert!(text.contains(
            "linkyard_dataplane_throughput_bytes_per_second{endpoint=\"ep-a\",zone=\"cn-hangzhou-h\",direction=\"in\"} 1250000"
        ), "{text}");
        for i in 0..MAX_SERIES + 5 {
            t.zone(&(format!("ep-{i:04}"), "z".into()));
        }
        let text = t.render();
        let series = text
            .lines()
            .filter(|l| l.starts_with("linkyard_dataplane_connections{"))
            .count();
        assert_eq!(series, MAX_SERIES + 1, "bounded, plus `other`");
        t.retain(|k| k.0 == "ep-a");
        assert_eq!(t.all().len(), 1);
    }
}
