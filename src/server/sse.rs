//! `GET /events`: Server-Sent Events carrying the live events the signed-in accounts may see; an
//! event's `audience` is cut down to the session's own accounts before it is sent. A stream ends
//! when it may have missed events (it lagged, or the bus resynchronized); the console reconnects and
//! refetches.

use super::AppState;
use crate::auth;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::convert::Infallible;
use tokio_stream::wrappers::BroadcastStream;
use tower_sessions::Session;

pub async fn events(State(state): State<AppState>, session: Session) -> Response {
    let accounts: Vec<String> = match auth::signed_in(&session).await {
        Ok(a) if !a.is_empty() => a.into_iter().map(|a| a.id).collect(),
        _ => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
    };
    let mut epoch = state.ops.bus.epoch();
    epoch.mark_unchanged();
    let resynchronized = async move {
        let _ = epoch.changed().await;
    };
    let stream = BroadcastStream::new(state.ops.bus.subscribe())
        // A receiver that lagged missed events: end the stream, so the browser reconnects and
        // refetches (as after a resynchronization of the bus, below).
        .take_while(|msg| std::future::ready(msg.is_ok()))
        .filter_map(move |msg| {
            let accounts = accounts.clone();
            async move {
                let mut ev = msg.ok()?;
                if !ev.audience.iter().any(|a| accounts.contains(a)) {
                    return None;
                }
                // Name only this session's accounts: the others involved are none of its business.
                ev.audience.retain(|a| accounts.contains(a));
                Some(Ok::<_, Infallible>(
                    Event::default().event("change").json_data(&ev).ok()?,
                ))
            }
        })
        .take_until(resynchronized);
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
