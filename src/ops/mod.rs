//! The operation layer: one async function per use case. Each authorizes the caller, validates
//! input, changes state in one transaction, records an audit event and publishes a live event.
//! The console's server functions and the cloud API both call these and nothing else.

pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod connections;
pub mod discovery;
pub mod dns;
pub mod endpoints;
pub mod faults;
pub mod ids;
pub mod inventory;
pub mod reconcile;
pub mod services;
pub mod whitelist;

use crate::domain::ApiError;
use crate::domain::event::LiveEvent;
use crate::events::Bus;
use crate::store::DbPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub use ids::IdGen;

/// Where a request came from; recorded with every audit event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Console,
    Api,
    System,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Console => "console",
            Source::Api => "api",
            Source::System => "system",
        }
    }
}

/// Who is calling and how: every operation takes one.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The calling account's 16-digit id.
    pub account_id: String,
    pub source: Source,
    pub request_id: String,
    /// Validate fully, change nothing, answer `DryRunOperation`.
    pub dry_run: bool,
}

impl Ctx {
    /// A context for `account_id` with a fresh request id.
    pub fn new(account_id: impl Into<String>, source: Source) -> Self {
        Self {
            account_id: account_id.into(),
            source,
            request_id: ids::request_id(),
            dry_run: false,
        }
    }

    /// The reconciler and other automatic changes.
    pub fn system() -> Self {
        Self::new(SYSTEM, Source::System)
    }
}

/// The actor recorded for automatic changes.
pub const SYSTEM: &str = "system";

/// The time source: the wall clock, or a manual clock tests can move.
#[derive(Clone)]
pub enum Clock {
    System,
    Manual(Arc<AtomicI64>),
}

impl Clock {
    /// Now, in unix milliseconds.
    pub fn now(&self) -> i64 {
        match self {
            Clock::System => crate::store::now_ms(),
            Clock::Manual(t) => t.load(Ordering::SeqCst),
        }
    }
}

/// Shared handles every operation needs.
#[derive(Clone)]
pub struct Ops {
    pub pool: DbPool,
    pub bus: Bus,
    pub ids: IdGen,
    pub clock: Clock,
    /// How long transitional states last, in milliseconds.
    pub delay_ms: Arc<AtomicI64>,
    /// Wakes the reconciler when an operation scheduled a transition.
    pub waker: Arc<tokio::sync::Notify>,
    /// Demo tools (fault injection) are available.
    pub demo_tools: bool,
}

impl Ops {
    /// Operations over `pool` with the system clock and random ids.
    pub fn new(pool: DbPool, bus: Bus, delay_ms: i64) -> Self {
        Self {
            pool,
            bus,
            ids: IdGen::random(),
            clock: Clock::System,
            delay_ms: Arc::new(AtomicI64::new(delay_ms)),
            waker: Arc::new(tokio::sync::Notify::new()),
            demo_tools: false,
        }
    }

    /// A copy whose transitions complete immediately (scenario loading).
    pub fn without_delay(&self) -> Self {
        Self {
            delay_ms: Arc::new(AtomicI64::new(0)),
            ..self.clone()
        }
    }

    /// Tells the reconciler to look for due transitions now.
    pub fn wake(&self) {
        self.waker.notify_one();
    }

    /// When a transition started now should complete.
    pub fn due(&self) -> i64 {
        self.clock.now() + self.delay_ms.load(Ordering::Relaxed)
    }

    /// Publishes events after their transaction committed.
    pub fn publish(&self, events: impl IntoIterator<Item = LiveEvent>) {
        for e in events {
            self.bus.publish(e);
        }
    }
}

/// Maps a database failure to `InternalError`, logging the details.
pub fn db(e: sqlx::Error) -> ApiError {
    tracing::error!(error = %e, "database error");
    ApiError::internal()
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        db(e)
    }
}
