//! Live events across replicas: each replica NOTIFYs the events it publishes on one PostgreSQL
//! channel and LISTENs for the others'. A payload names ids, never objects (NOTIFY payloads are
//! limited to 8000 bytes; an event that would not fit asks every replica to resynchronize instead).
//! After the listener's connection dropped, the replica resynchronizes: what was sent meanwhile is
//! lost, so its browsers refetch.

use super::Bus;
use crate::domain::event::LiveEvent;
use crate::store::DbPool;
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The NOTIFY channel.
pub const CHANNEL: &str = "linkyard_events";

/// Largest payload PostgreSQL accepts, less a margin.
const MAX_PAYLOAD: usize = 7_900;

/// What travels in one notification.
#[derive(Debug, Serialize, Deserialize)]
struct Note {
    /// The publishing replica (its own notifications come back to it and are skipped).
    from: String,
    /// The event; `None`: events were dropped, resynchronize.
    #[serde(default)]
    event: Option<LiveEvent>,
}

fn encode(from: &str, e: LiveEvent) -> String {
    let note = Note {
        from: from.to_owned(),
        event: Some(e),
    };
    match serde_json::to_string(&note) {
        Ok(s) if s.len() <= MAX_PAYLOAD => s,
        _ => serde_json::to_string(&Note {
            from: from.to_owned(),
            event: None,
        })
        .unwrap_or_default(),
    }
}

/// Starts relaying `bus` through the PostgreSQL database of `pool` (URL `url`): published events
/// are notified, the other replicas' are delivered, and `on_remote` runs after each (the
/// reconciler's wake-up: another replica may have scheduled a transition).
pub fn spawn(bus: &Bus, pool: DbPool, url: String, on_remote: Arc<dyn Fn() + Send + Sync>) {
    let me = uuid::Uuid::new_v4().simple().to_string();
    let (tx, mut outbox) = mpsc::unbounded_channel::<LiveEvent>();
    bus.relay_to(tx);

    let from = me.clone();
    tokio::spawn(async move {
        while let Some(e) = outbox.recv().await {
            let payload = encode(&from, e);
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&pool)
                .await
            {
                tracing::warn!(error = %e, "could not relay a live event to the other replicas");
            }
        }
    });

    let bus = bus.clone();
    tokio::spawn(async move {
        let mut first = true;
        loop {
            let mut listener = match listen(&url).await {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for other replicas' events; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if !first {
                // Reconnected after a failure: whatever was notified meanwhile is gone.
                bus.resync();
            }
            first = false;
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => match serde_json::from_str::<Note>(n.payload()) {
                        Ok(note) if note.from == me => {}
                        Ok(Note { event: Some(e), .. }) => {
                            bus.deliver_remote(e);
                            on_remote();
                        }
                        Ok(Note { event: None, .. }) => {
                            bus.resync();
                            on_remote();
                        }
                        Err(e) => tracing::warn!(error = %e, "unreadable live event notification"),
                    },
                    // The connection dropped and was re-established: events may be missing.
                    Ok(None) => {
                        tracing::warn!("event listener reconnected; resynchronizing open pages");
                        bus.resync();
                        on_remote();
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener failed; reconnecting");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        break;
                    }
                }
            }
        }
    });
}

async fn listen(url: &str) -> sqlx::Result<PgListener> {
    let mut l = PgListener::connect(url).await?;
    l.listen(CHANNEL).await?;
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_too_large_to_notify_becomes_a_resync() {
        let small = LiveEvent {
            topic: "service".into(),
            action: "A".into(),
            target: "epsrv-1".into(),
            audience: vec!["1".into()],
        };
        let note: Note = serde_json::from_str(&encode("me", small)).unwrap();
        assert_eq!(note.event.unwrap().target, "epsrv-1");
        let huge = LiveEvent {
            topic: "demo".into(),
            action: "ResetDemo".into(),
            target: "demo".into(),
            audience: (0..2_000).map(|i| format!("{i:016}")).collect(),
        };
        let payload = encode("me", huge);
        assert!(payload.len() <= MAX_PAYLOAD);
        let note: Note = serde_json::from_str(&payload).unwrap();
        assert!(note.event.is_none());
    }
}
