//! The in-process event bus: operations publish [`LiveEvent`]s after commit; the SSE route fans them
//! out to the console pages of the accounts in each event's audience.

use crate::domain::event::LiveEvent;
use tokio::sync::broadcast;

/// A cloneable handle to the bus.
#[derive(Clone)]
pub struct Bus(broadcast::Sender<LiveEvent>);

impl Default for Bus {
    fn default() -> Self {
        Self::new()
    }
}

impl Bus {
    pub fn new() -> Self {
        Self(broadcast::channel(1024).0)
    }

    /// Sends an event to every subscriber (none listening is fine).
    pub fn publish(&self, e: LiveEvent) {
        let _ = self.0.send(e);
    }

    /// A new receiver of every event published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.0.subscribe()
    }
}
