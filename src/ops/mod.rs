//! The operation layer: one async function per use case. Each authorizes the caller, validates
//! input, changes state in one transaction, records an audit event and publishes a live event.
//! The console's server functions and the cloud API both call these and nothing else.

pub mod accounts;
pub mod allocation;
pub mod audit;
pub mod bandwidth_requests;
pub mod catalogue;
pub mod change;
pub mod connections;
pub mod console_forms;
pub mod console_pages;
pub mod discovery;
pub mod dns;
pub mod dns_links;
pub mod endpoint_reads;
pub mod endpoint_sgs;
pub mod endpoint_zones;
pub mod endpoints;
pub mod faults;
pub mod gateway;
pub mod generation;
pub mod group_commit;
pub mod idempotency;
pub mod ids;
pub mod inventory;
pub mod inventory_delete;
pub mod inventory_reads;
pub mod listeners;
pub mod read_cache;
pub mod reconcile;
pub mod service_reads;
pub mod service_resources;
pub mod services;
pub mod tags;
pub mod throttle;
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

/// One page of a list: the items, the token of the next page (`None` on the last page) and how many
/// items match in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
    pub total: i64,
}

/// Builds one page of a keyset-ordered scan while counting every match, so `total` is the number
/// of matches in the whole list, not on this page. Rows are fed in key order.
pub(crate) struct PageBuilder<T> {
    token: String,
    max: usize,
    items: Vec<T>,
    last_key: String,
    next: Option<String>,
    total: i64,
}

impl<T> PageBuilder<T> {
    /// A page after `token` (the key of the previous page's last item) of at most `max` items.
    pub fn new(token: Option<&str>, max: i64) -> Self {
        Self {
            token: token.unwrap_or("").to_string(),
            max: max.max(1) as usize,
            items: Vec::new(),
            last_key: String::new(),
            next: None,
            total: 0,
        }
    }

    /// True when a match with `key` belongs on this page (build its full view then).
    pub fn wants(&self, key: &str) -> bool {
        key > self.token.as_str() && self.items.len() < self.max
    }

    /// Records a match; `item` is its view when [`Self::wants`] said so.
    pub fn push(&mut self, key: &str, item: Option<T>) {
        self.total += 1;
        match item {
            Some(i) if self.wants(key) => {
                self.items.push(i);
                self.last_key = key.to_string();
            }
            _ if key > self.token.as_str()
                && self.items.len() == self.max
                && self.next.is_none() =>
            {
                self.next = Some(self.last_key.clone());
            }
            _ => {}
        }
    }

    pub fn finish(self) -> Page<T> {
        Page {
            items: self.items,
            next_token: self.next,
            total: self.total,
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
    /// The region the request addresses (the API's `RegionId`). When set, services and endpoints of
    /// other regions read as not found; the console addresses objects by id and leaves it unset.
    pub region_id: Option<String>,
    /// The ClientToken this request runs under (set by [`Ops::idempotent`]): the first audit row
    /// of the request writes the token's row in the same transaction (see [`Ops::record`]).
    pub idempotency: Option<Arc<idempotency::Claim>>,
}

impl Ctx {
    /// A context for `account_id` with a fresh request id.
    pub fn new(account_id: impl Into<String>, source: Source) -> Self {
        Self {
            account_id: account_id.into(),
            source,
            request_id: ids::request_id(),
            dry_run: false,
            region_id: None,
            idempotency: None,
        }
    }

    /// True when an object of `region` is addressable by this request.
    pub fn sees_region(&self, region: &str) -> bool {
        self.region_id.as_deref().is_none_or(|r| r == region)
    }

    /// The reconciler and other automatic changes.
    pub fn system() -> Self {
        Self::new(SYSTEM, Source::System)
    }
}

/// The actor recorded for automatic changes.
pub const SYSTEM: &str = "system";

/// The actor recorded for what nobody signed in did (a failed sign-in).
pub const ANONYMOUS: &str = "anonymous";

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
    /// One connection for write transactions: writers queue for it in order instead of polling
    /// SQLite's lock (see [`Ops::write_tx`]).
    pub write_pool: DbPool,
    /// Group commit of the changes that run on the writer (see [`group_commit`]).
    pub group: Arc<group_commit::GroupCommit>,
    pub bus: Bus,
    pub ids: IdGen,
    pub clock: Clock,
    /// How long transitional states last, in milliseconds.
    pub delay_ms: Arc<AtomicI64>,
    /// Wakes the reconciler when an operation scheduled a transition.
    pub waker: Arc<tokio::sync::Notify>,
    /// Demo tools (fault injection) are available.
    pub demo_tools: bool,
    /// ClientToken requests being served, so a retry waits for the first attempt.
    pub inflight: idempotency::InFlight,
    /// Seals AccessKey secrets at rest. [`Ops::new`] starts with an ephemeral key; `serve` and
    /// `scenario load` set the configured one before touching the store.
    pub seal: crate::seal::SealKey,
    /// Console sign-in throttling and the argon2 concurrency bound.
    pub sign_ins: Arc<accounts::SignInGuard>,
    /// The data plane's traffic counters (empty while no data plane runs).
    pub traffic: crate::dataplane::traffic::Traffic,
    /// The Demo page's traffic generators.
    pub generators: crate::dataplane::generator::Generators,
    /// Moves on after every write transaction ends (see [`generation`]).
    pub generation: generation::Generation,
    /// Answers of reads, exact until the next write (see [`read_cache`]).
    pub reads: read_cache::ReadCache,
}

impl Ops {
    /// Operations over `pool` with the system clock and random ids.
    pub fn new(pool: DbPool, bus: Bus, delay_ms: i64) -> Self {
        Self {
            write_pool: crate::store::writer_pool(&pool),
            group: Arc::default(),
            bus,
            ids: IdGen::random(),
            clock: Clock::System,
            delay_ms: Arc::new(AtomicI64::new(delay_ms)),
            waker: Arc::new(tokio::sync::Notify::new()),
            demo_tools: false,
            inflight: idempotency::InFlight::default(),
            seal: crate::seal::SealKey::ephemeral(),
            sign_ins: Arc::default(),
            traffic: Default::default(),
            generators: Default::default(),
            generation: Default::default(),
            reads: read_cache::ReadCache::for_store(&pool),
            pool,
        }
    }

    /// A copy whose transitions complete immediately (scenario loading).
    pub fn without_delay(&self) -> Self {
        Self {
            delay_ms: Arc::new(AtomicI64::new(0)),
            ..self.clone()
        }
    }

    /// Starts a write transaction with `BEGIN IMMEDIATE`, taking SQLite's write lock up front.
    ///
    /// Writers take the single connection of `write_pool`, so concurrent writes wait in a fair
    /// async queue; with one writer at a time SQLite's busy handler (which sleeps and retries, up
    /// to 100 ms a try) never runs, which kept the p99 of concurrent writes near a second.
    ///
    /// Every operation reads and then writes. A deferred `BEGIN` would start as a reader and have
    /// to upgrade; when another connection (a request, the reconciler) committed in between,
    /// SQLite refuses the upgrade at once with `SQLITE_BUSY` ("database is locked") without
    /// waiting for `busy_timeout`, and the caller got `InternalError`. An immediate transaction
    /// waits for the lock instead.
    ///
    /// The transaction moves [`Ops::generation`] on when it ends, so cached reads stay exact.
    pub async fn write_tx(&self) -> Result<generation::WriteTx, ApiError> {
        let tx = crate::store::begin_write(&self.write_pool).await?;
        Ok(generation::WriteTx::new(tx, &self.generation))
    }

    /// Tells the reconciler to look for due transitions now.
    pub fn wake(&self) {
        self.waker.notify_one();
    }

    /// The time now (ISO-8601 UTC), as the views write their times.
    pub fn now_iso(&self) -> String {
        crate::store::iso(self.clock.now())
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
