//! The event bus: operations publish [`LiveEvent`]s after commit; the SSE route fans them out to the
//! console pages of the accounts in each event's audience.
//!
//! With several replicas on one PostgreSQL database, [`postgres`] relays every published event to
//! the other replicas (LISTEN/NOTIFY) and receives theirs. When events may have been missed (the
//! listener's connection dropped, a payload too large to relay), the bus *resynchronizes*: every
//! open event stream ends, and the browsers reconnect and refetch what they show.

pub mod postgres;

use crate::domain::event::LiveEvent;
use std::sync::{Arc, OnceLock};
use tokio::sync::{broadcast, mpsc, watch};

/// A cloneable handle to the bus.
#[derive(Clone)]
pub struct Bus {
    local: broadcast::Sender<LiveEvent>,
    /// Bumped on every resynchronization.
    epoch: Arc<watch::Sender<u64>>,
    /// Where published events also go when other replicas share the database.
    relay: Arc<OnceLock<mpsc::UnboundedSender<LiveEvent>>>,
}

impl Default for Bus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus {
    pub fn new() -> Self {
        Self {
            local: broadcast::channel(1024).0,
            epoch: Arc::new(watch::channel(0).0),
            relay: Arc::new(OnceLock::new()),
        }
    }

    /// Sends an event to every subscriber (none listening is fine), and to the other replicas.
    pub fn publish(&self, e: LiveEvent) {
        if let Some(relay) = self.relay.get() {
            let _ = relay.send(e.clone());
        }
        let _ = self.local.send(e);
    }

    /// Delivers an event another replica published (not relayed again).
    pub fn deliver_remote(&self, e: LiveEvent) {
        let _ = self.local.send(e);
    }

    /// A new receiver of every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.local.subscribe()
    }

    /// Tells every open stream that events may have been missed: they end, and their browsers
    /// reconnect and refetch.
    pub fn resync(&self) {
        self.epoch.send_modify(|n| *n += 1);
        metrics::counter!("linkyard_event_resyncs_total").increment(1);
    }

    /// Changes on every [`Bus::resync`].
    pub fn epoch(&self) -> watch::Receiver<u64> {
        self.epoch.subscribe()
    }

    /// Routes published events to `relay` too (once; later calls are ignored).
    fn relay_to(&self, relay: mpsc::UnboundedSender<LiveEvent>) {
        let _ = self.relay.set(relay);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(target: &str) -> LiveEvent {
        LiveEvent {
            topic: "service".into(),
            action: "CreateVpcEndpointService".into(),
            target: target.into(),
            audience: vec!["1".into()],
        }
    }

    #[tokio::test]
    async fn published_events_reach_subscribers_and_the_relay_remote_ones_only_subscribers() {
        let bus = Bus::new();
        let (tx, mut relayed) = mpsc::unbounded_channel();
        bus.relay_to(tx);
        let mut rx = bus.subscribe();
        bus.publish(ev("a"));
        bus.deliver_remote(ev("b"));
        assert_eq!(rx.recv().await.unwrap().target, "a");
        assert_eq!(rx.recv().await.unwrap().target, "b");
        assert_eq!(relayed.recv().await.unwrap().target, "a");
        assert!(
            relayed.try_recv().is_err(),
            "a remote event is not relayed back"
        );
    }

    #[tokio::test]
    async fn a_resync_changes_the_epoch() {
        let bus = Bus::new();
        let mut epoch = bus.epoch();
        bus.resync();
        tokio::time::timeout(std::time::Duration::from_secs(1), epoch.changed())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(*epoch.borrow(), 1);
    }
}
