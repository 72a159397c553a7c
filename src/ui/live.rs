//! Live updates: one `EventSource` per tab on `/events`, open while someone is signed in.
//!
//! - The stream follows the session: the layout reports the signed-in accounts
//!   ([`Live::follow_session`]) and the sign-in page reports none, so the stream opens after
//!   sign-in, reopens when the accounts change ("+ Account", switching) and closes at sign-out.
//! - A dropped stream (server restart, network) reconnects with exponential back-off (1 s up to
//!   15 s); every (re)open resynchronizes: resources refetch once, since events sent while the
//!   stream was down were missed.
//! - Each event invalidates only the resources of its topic: a page reads
//!   [`use_live_for`] with the topics it shows, not one global counter.
//! - [`LiveStatus`] tells the top bar whether live updates are on.

use crate::domain::event::LiveEvent;
use leptos::prelude::*;

/// The topics events carry (see `LiveEvent::topic`).
pub const TOPICS: [&str; 7] = [
    "inventory",
    "service",
    "endpoint",
    "connection",
    "gateway",
    "demo",
    "account",
];

/// Whether the event stream is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveStatus {
    /// Nobody is signed in (or the browser cannot open streams).
    Off,
    /// Opening, or waiting to retry after the stream dropped.
    Connecting,
    /// Events arrive.
    Live,
}

/// Live-update state shared by the whole tree.
#[derive(Clone, Copy)]
pub struct Live {
    /// One counter per topic in [`TOPICS`] (same order) plus one for any other topic.
    counters: [RwSignal<u64>; TOPICS.len() + 1],
    /// Bumped when the stream (re)opens: everything refetches once.
    resync: RwSignal<u64>,
    /// The latest event (for pages that show what just happened).
    pub last: RwSignal<Option<LiveEvent>>,
    /// Whether events arrive.
    pub status: RwSignal<LiveStatus>,
    /// The signed-in accounts and the active one; `None` when signed out.
    session: RwSignal<Option<(Vec<String>, String)>>,
}

impl Live {
    /// Whether somebody is signed in, as far as the console knows (untracked): polling widgets
    /// stop asking the server the moment the user signs out.
    pub fn signed_in_untracked(&self) -> bool {
        self.session.with_untracked(Option::is_some)
    }

    /// Tells the stream who is signed in (`None`: nobody). A change reopens or closes it.
    /// Open pages refetch at once when the active account changes to another (before the stream
    /// reopens); signing out refetches nothing.
    pub fn follow_session(&self, accounts: Option<(Vec<String>, String)>) {
        let before = self.session.get_untracked();
        if before != accounts {
            let switched = before.as_ref().map(|(_, a)| a) != accounts.as_ref().map(|(_, a)| a);
            // Signed out: nothing to refetch (it would answer 401 while the page leaves).
            let refetch = switched && accounts.is_some();
            self.session.set(accounts);
            if refetch {
                self.resync.update(|n| *n += 1);
            }
        }
    }

    fn counter(&self, topic: &str) -> RwSignal<u64> {
        let i = TOPICS
            .iter()
            .position(|t| *t == topic)
            .unwrap_or(TOPICS.len());
        self.counters[i]
    }

    /// Records one received event.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn receive(&self, ev: LiveEvent) {
        self.counter(&ev.topic).update(|n| *n += 1);
        self.last.set(Some(ev));
    }
}

/// Provides [`Live`] to the tree and, in the browser, runs the stream.
pub fn provide_live_events() {
    let live = Live {
        counters: std::array::from_fn(|_| RwSignal::new(0)),
        resync: RwSignal::new(0),
        last: RwSignal::new(None),
        status: RwSignal::new(LiveStatus::Off),
        session: RwSignal::new(None),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    stream::run(live);
}

/// A counter that changes when an event of one of `topics` arrives, or when the stream
/// resynchronizes: read it in a resource's source to refetch exactly then.
pub fn use_live_for(topics: &'static [&'static str]) -> Memo<u64> {
    let live = use_context::<Live>();
    Memo::new(move |_| {
        let Some(live) = live else { return 0 };
        topics.iter().map(|t| live.counter(t).get()).sum::<u64>() + live.resync.get()
    })
}

/// A counter of every event, for pages that list changes of any kind (activity, overview).
pub fn use_live_any() -> Memo<u64> {
    let live = use_context::<Live>();
    Memo::new(move |_| {
        let Some(live) = live else { return 0 };
        live.counters.iter().map(|c| c.get()).sum::<u64>() + live.resync.get()
    })
}

/// The live-update state (status for the top bar, session following).
pub fn use_live_state() -> Option<Live> {
    use_context::<Live>()
}

#[cfg(feature = "hydrate")]
mod stream {
    use super::{Live, LiveStatus};
    use crate::domain::event::LiveEvent;
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    /// Longest wait between reconnection attempts.
    const MAX_BACKOFF_MS: u64 = 15_000;

    /// The open stream and what it needs to stay alive.
    #[derive(Default)]
    struct Conn {
        source: Option<web_sys::EventSource>,
        /// Bumped whenever the session changes, so stale retries give up.
        generation: u64,
        /// Failed attempts since the last successful open.
        failures: u32,
        closures: Vec<Box<dyn std::any::Any>>,
        /// Callbacks of closed streams, dropped at the next open: a callback must not be freed
        /// while it runs (the error callback closes its own stream).
        retired: Vec<Box<dyn std::any::Any>>,
    }

    impl Conn {
        fn close(&mut self) {
            if let Some(es) = self.source.take() {
                es.close();
            }
            let closures = std::mem::take(&mut self.closures);
            self.retired.extend(closures);
        }
    }

    /// Opens, reopens and closes the stream as the session changes.
    pub fn run(live: Live) {
        let conn = Rc::new(RefCell::new(Conn::default()));
        let conn_for_effect = send_wrapper::SendWrapper::new(conn);
        Effect::new(move |_| {
            let session = live.session.get();
            let conn = (*conn_for_effect).clone();
            let generation = {
                let mut c = conn.borrow_mut();
                c.close();
                c.generation += 1;
                c.failures = 0;
                c.generation
            };
            match session {
                Some(_) => open(live, conn, generation),
                None => live.status.set(LiveStatus::Off),
            }
        });
    }

    fn open(live: Live, conn: Rc<RefCell<Conn>>, generation: u64) {
        {
            let mut c = conn.borrow_mut();
            if c.generation != generation {
                return;
            }
            c.retired.clear();
        }
        live.status.set(LiveStatus::Connecting);
        let Ok(es) = web_sys::EventSource::new("/events") else {
            live.status.set(LiveStatus::Off);
            return;
        };
        let on_change =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                if let Some(Ok(e)) = ev
                    .data()
                    .as_string()
                    .map(|s| serde_json::from_str::<LiveEvent>(&s))
                {
                    live.receive(e);
                }
            });
        let _ = es.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        let conn_open = conn.clone();
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            conn_open.borrow_mut().failures = 0;
            live.status.set(LiveStatus::Live);
            // Whatever changed before this stream opened was not delivered: refetch once.
            live.resync.update(|n| *n += 1);
        });
        let _ = es.add_event_listener_with_callback("open", on_open.as_ref().unchecked_ref());
        let conn_err = conn.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
            // Close and retry ourselves: browsers give up for good on an HTTP error (a 401
            // while the session cookie changes, a 502 from a proxy during a restart).
            let delay = {
                let mut c = conn_err.borrow_mut();
                if c.generation != generation {
                    return;
                }
                c.close();
                c.failures = c.failures.saturating_add(1);
                (1000u64 << (c.failures - 1).min(4)).min(MAX_BACKOFF_MS)
            };
            live.status.set(LiveStatus::Connecting);
            let conn_retry = conn_err.clone();
            set_timeout(
                move || open(live, conn_retry, generation),
                Duration::from_millis(delay),
            );
        });
        let _ = es.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
        let mut c = conn.borrow_mut();
        c.source = Some(es);
        c.closures = vec![Box::new(on_change), Box::new(on_open), Box::new(on_error)];
    }
}
