//! Per-AccessKey flow control of the cloud API, as Alibaba Cloud does it: a token bucket per
//! AccessKey (GCRA, from the `governor` crate); a request over the limit is answered
//! `Throttling.User`, which the SDKs and Terraform retry. Counted in `/metrics`
//! (`api_requests_throttled_total`, `api_rate_limit_per_second`, `api_rate_limit_burst`).

use crate::domain::ApiError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;

/// Default sustained rate per AccessKey (requests per second).
pub const DEFAULT_RATE: u32 = 1_000;
/// Default burst per AccessKey (requests accepted at once after a quiet period).
pub const DEFAULT_BURST: u32 = 2_000;

/// Rate limits of the cloud API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Sustained requests per second per AccessKey; 0 turns flow control off.
    pub per_second: u32,
    /// Requests accepted in a burst.
    pub burst: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            per_second: DEFAULT_RATE,
            burst: DEFAULT_BURST,
        }
    }
}

/// The token buckets, one per AccessKey.
pub struct Throttle {
    limiter: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
    config: ThrottleConfig,
    /// Set when replicas share the database: the buckets live there (`store::buckets`).
    shared: std::sync::OnceLock<crate::store::DbPool>,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("config", &self.config)
            .finish()
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(ThrottleConfig::default())
    }
}

impl Throttle {
    /// Buckets with `config` (off when its rate is 0).
    pub fn new(config: ThrottleConfig) -> Self {
        let limiter = NonZeroU32::new(config.per_second).map(|rate| {
            let burst = NonZeroU32::new(config.burst.max(1)).unwrap_or(NonZeroU32::MIN);
            RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))
        });
        metrics::gauge!("api_rate_limit_per_second").set(config.per_second as f64);
        metrics::gauge!("api_rate_limit_burst").set(config.burst as f64);
        Self {
            limiter,
            clock: DefaultClock::default(),
            config,
            shared: std::sync::OnceLock::new(),
        }
    }

    /// Keeps the buckets in `pool`'s database, shared by every replica on it, so the limit holds
    /// for all of them together.
    pub fn share_through(&self, pool: crate::store::DbPool) {
        let _ = self.shared.set(pool);
    }

    /// [`Throttle::check`] against the shared buckets when there are any, else the local ones.
    pub async fn admit(&self, access_key_id: &str) -> Result<(), ApiError> {
        let (Some(pool), true) = (self.shared.get(), self.limiter.is_some()) else {
            return self.check(access_key_id);
        };
        let now = chrono::Utc::now().timestamp_millis();
        let c = self.config;
        if crate::store::buckets::take(
            pool,
            access_key_id,
            c.per_second as f64,
            c.burst.max(1) as f64,
            now,
        )
        .await?
        {
            return Ok(());
        }
        metrics::counter!("api_requests_throttled_total").increment(1);
        Err(self.refusal(1000 / c.per_second.max(1) as u128))
    }

    fn refusal(&self, wait_ms: u128) -> ApiError {
        ApiError::new(
            "Throttling.User",
            format!(
                "Request was denied due to user flow control: at most {} requests per second per AccessKey (bursts of {}); retry in {} ms.",
                self.config.per_second,
                self.config.burst,
                wait_ms.max(1)
            ),
        )
    }

    /// The configured limits.
    pub fn config(&self) -> ThrottleConfig {
        self.config
    }

    /// Takes one token from `access_key_id`'s bucket, or answers `Throttling.User` with the time
    /// until the next token.
    pub fn check(&self, access_key_id: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let key = access_key_id.to_owned();
        match limiter.check_key(&key) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                metrics::counter!("api_requests_throttled_total").increment(1);
                let wait = not_until.wait_time_from(self.clock.now());
                Err(self.refusal(wait.as_millis()))
            }
        }
    }

    /// Forgets buckets that are full again (bounded memory); call now and then.
    pub fn shrink(&self) {
        if let Some(l) = &self.limiter {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }

    /// Calls [`Throttle::shrink`] every minute until the process ends.
    pub fn spawn_housekeeping(self: &std::sync::Arc<Self>) -> tokio::task::JoinHandle<()> {
        let t = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            loop {
                tick.tick().await;
                t.shrink();
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_burst_then_throttling_user_and_other_keys_are_unaffected() {
        let t = Throttle::new(ThrottleConfig {
            per_second: 1,
            burst: 3,
        });
        for _ in 0..3 {
            t.check("AK1").unwrap();
        }
        let e = t.check("AK1").unwrap_err();
        assert_eq!(e.code, "Throttling.User");
        assert_eq!(e.http_status, 400);
        assert!(e.message.contains("retry in"), "{}", e.message);
        t.check("AK2").unwrap();
    }

    #[test]
    fn rate_zero_turns_it_off() {
        let t = Throttle::new(ThrottleConfig {
            per_second: 0,
            burst: 0,
        });
        for _ in 0..10_000 {
            t.check("AK").unwrap();
        }
    }
}
