//! A token bucket in bytes, shared by every connection of one zone ENI and one direction. The rate
//! can change while traffic flows (the provider edits the bandwidth).

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The smallest burst, so slow rates still move whole reads.
const MIN_BURST: f64 = 16.0 * 1024.0;
/// The burst is this many seconds of the rate (bounded below by [`MIN_BURST`]).
const BURST_SECONDS: f64 = 0.02;
/// The largest read a pump makes.
pub const MAX_CHUNK: usize = 256 * 1024;

/// A token bucket that lends: a take may drive the balance negative, and the taker waits until it
/// is paid back, so concurrent takers share the rate without polling.
#[derive(Debug)]
pub struct Bucket {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// A full bucket at `bytes_per_second`.
    pub fn new(bytes_per_second: u64) -> Self {
        let rate = (bytes_per_second as f64).max(1.0);
        Self {
            state: Mutex::new(State {
                rate,
                tokens: burst(rate),
                last: Instant::now(),
            }),
        }
    }

    /// Changes the rate from now on.
    pub fn set_rate(&self, bytes_per_second: u64) {
        let mut s = self.state.lock().expect("bucket poisoned");
        refill(&mut s, Instant::now());
        s.rate = (bytes_per_second as f64).max(1.0);
        s.tokens = s.tokens.min(burst(s.rate));
    }

    /// The rate in bytes per second.
    pub fn rate(&self) -> u64 {
        self.state.lock().expect("bucket poisoned").rate as u64
    }

    /// How many bytes to read at once at this rate (about one burst, at most [`MAX_CHUNK`]).
    pub fn chunk(&self) -> usize {
        let rate = self.state.lock().expect("bucket poisoned").rate;
        (burst(rate) as usize).clamp(1024, MAX_CHUNK)
    }

    /// Takes `n` bytes; returns how long the caller must wait before sending them.
    pub fn take(&self, n: usize) -> Duration {
        self.take_at(n, Instant::now())
    }

    fn take_at(&self, n: usize, now: Instant) -> Duration {
        let mut s = self.state.lock().expect("bucket poisoned");
        refill(&mut s, now);
        s.tokens -= n as f64;
        if s.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-s.tokens / s.rate)
        }
    }
}

fn burst(rate: f64) -> f64 {
    (rate * BURST_SECONDS).max(MIN_BURST)
}

fn refill(s: &mut State, now: Instant) {
    let elapsed = now.saturating_duration_since(s.last).as_secs_f64();
    s.last = now;
    s.tokens = (s.tokens + elapsed * s.rate).min(burst(s.rate));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_take_beyond_the_burst_waits_for_the_rate() {
        let b = Bucket::new(1_000_000);
        let t0 = Instant::now();
        // The burst is 20 ms of the rate: 20 000 bytes, free.
        assert_eq!(b.take_at(20_000, t0), Duration::ZERO, "the burst is free");
        // The next 100 000 bytes at 1 MB/s: 100 ms.
        let wait = b.take_at(100_000, t0);
        assert!((wait.as_secs_f64() - 0.1).abs() < 0.001, "{wait:?}");
        // A second taker queues behind the first.
        let wait2 = b.take_at(100_000, t0);
        assert!((wait2.as_secs_f64() - 0.2).abs() < 0.001, "{wait2:?}");
        // After the debt is paid, the bucket refills only up to the burst.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(b.take_at(20_000, later), Duration::ZERO);
        assert!(b.take_at(1000, later) > Duration::ZERO);
    }

    #[test]
    fn the_rate_changes_live() {
        let b = Bucket::new(1_000_000);
        b.set_rate(10_000_000);
        assert_eq!(b.rate(), 10_000_000);
        let t0 = Instant::now();
        let _ = b.take_at(200_000, t0);
        let wait = b.take_at(1_000_000, t0);
        assert!(
            wait.as_secs_f64() > 0.1 && wait.as_secs_f64() < 0.13,
            "{wait:?}"
        );
        assert_eq!(b.chunk(), 200_000, "one burst");
        assert_eq!(Bucket::new(100_000_000).chunk(), MAX_CHUNK);
        assert_eq!(Bucket::new(1000).chunk(), 16 * 1024);
    }
}
