//! Console pages render on single-threaded runtimes of their own.
//!
//! A page renders as futures that leptos spawns and wakes from several places; on the server's
//! multi-threaded runtime the tasks of one page can run on both workers at once, where leptos'
//! reactive graph may take its `RwLock`s in opposite orders (leptos#4673). With lazy routes a
//! release server once hung that way under the transitional-states browser spec (every request,
//! `/healthz` included); that run also suffered from a page re-rendering itself on the server
//! (see `ui::widgets::sections_hidden`), so the pool is a guard, not a proven cure. Here each page,
//! from the handler to the last byte of its streamed body, runs on one thread of a small pool, so
//! no two tasks of a page run in parallel; the body reaches hyper through a channel. Everything
//! else (the cloud API, server functions, static files, events) stays on the main runtime.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, oneshot};

/// Body chunks buffered between a render thread and the connection.
const BODY_CHUNKS: usize = 16;

/// The render threads: one current-thread runtime each, started on first use, for the process.
struct RenderPool {
    runtimes: Vec<Handle>,
    next: AtomicUsize,
}

impl RenderPool {
    fn get() -> &'static RenderPool {
        static POOL: OnceLock<RenderPool> = OnceLock::new();
        POOL.get_or_init(|| {
            let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
            let runtimes = (0..threads).map(start_thread).collect();
            RenderPool {
                runtimes,
                next: AtomicUsize::new(0),
            }
        })
    }

    /// The runtimes take pages in turn.
    fn pick(&self) -> &Handle {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.runtimes.len();
        &self.runtimes[i]
    }
}

fn start_thread(i: usize) -> Handle {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_name(format!("linkyard-render-{i}"))
        .build()
        .expect("a render runtime");
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name(format!("linkyard-render-{i}"))
        .spawn(move || runtime.block_on(std::future::pending::<()>()))
        .expect("a render thread");
    handle
}

/// Whether a request is a page the console renders (server functions live under `/api/`).
fn is_page(req: &Request) -> bool {
    matches!(*req.method(), Method::GET | Method::HEAD) && !req.uri().path().starts_with("/api/")
}

/// Middleware: runs the rest of the stack for a page on a render thread and streams its body back.
pub async fn render_on_own_thread(req: Request, next: Next) -> Response {
    if !is_page(&req) {
        return next.run(req).await;
    }
    let (head_tx, head_rx) = oneshot::channel();
    let (body_tx, body_rx) = mpsc::channel(BODY_CHUNKS);
    RenderPool::get().pick().spawn(async move {
        let (parts, body) = next.run(req).await.into_parts();
        if head_tx.send(parts).is_err() {
            return;
        }
        let mut chunks = body.into_data_stream();
        while let Some(chunk) = chunks.next().await {
            // The connection went away: stop rendering.
            if body_tx.send(chunk).await.is_err() {
                return;
            }
        }
    });
    match head_rx.await {
        Ok(parts) => Response::from_parts(
            parts,
            Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(body_rx)),
        ),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the page could not be rendered",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    /// A page's handler and its streamed body run on a render thread; an API path does not.
    #[tokio::test]
    async fn pages_render_on_a_render_thread() {
        fn thread_name() -> String {
            std::thread::current().name().unwrap_or("").to_string()
        }
        let app = Router::new()
            .route("/page", get(|| async { thread_name() }))
            .route(
                "/streamed",
                get(|| async {
                    let chunks = futures::stream::iter(0..3).then(|_| async {
                        tokio::task::yield_now().await;
                        Ok::<_, std::convert::Infallible>(thread_name())
                    });
                    Body::from_stream(chunks)
                }),
            )
            .route("/api/fn", get(|| async { thread_name() }))
            .layer(axum::middleware::from_fn(render_on_own_thread));
        let body = |path: &'static str| {
            let app = app.clone();
            async move {
                let res = app
                    .oneshot(Request::get(path).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
                    .await
                    .unwrap();
                String::from_utf8(bytes.to_vec()).unwrap()
            }
        };
        assert!(body("/page").await.starts_with("linkyard-render-"));
        let streamed = body("/streamed").await;
        assert_eq!(
            streamed.matches("linkyard-render-").count(),
            3,
            "{streamed}"
        );
        assert!(!body("/api/fn").await.starts_with("linkyard-render-"));
    }
}
