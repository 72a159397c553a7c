//! Test support: a real router over a real store (a SQLite file, or PostgreSQL: see `db`) with the demo scenario, and a tiny HTTP client
//! that keeps the session cookie. `api` signs cloud API requests.
#![allow(dead_code)]

pub mod api;
pub mod dataplane;
pub mod db;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use linkyard::events::Bus;
use linkyard::ops::Ops;
use linkyard::server::{AppState, router};
use linkyard::{scenario, store};
use tower::ServiceExt;

pub const PROVIDER: (&str, &str) = ("1000000000000001", "northwind-demo");
pub const CONSUMER: (&str, &str) = ("1000000000000002", "contoso-demo");
pub const STRANGER: (&str, &str) = ("1000000000000003", "fabrikam-demo");

/// A store in a temporary SQLite file, loaded with the bundled demo scenario.
pub struct TestApp {
    pub ops: Ops,
    pub router: Router,
    _dir: tempfile::TempDir,
}

pub async fn demo_app() -> TestApp {
    demo_app_with(|_| {}).await
}

/// [`demo_app`] with the server state adjusted by `customize` (rate limits, nonce cache …).
pub async fn demo_app_with(customize: impl FnOnce(&mut AppState)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = db::test_db_url(dir.path(), "test.db");
    let pool = store::connect(&url).await.unwrap();
    store::migrate(&pool).await.unwrap();
    let ops = Ops::new(pool, Bus::new(), 0);
    let s = scenario::parse(include_str!("../../scenarios/demo.toml")).unwrap();
    scenario::load(&ops, &s, false).await.unwrap();
    let router = app_router(&ops, customize).await;
    TestApp {
        ops,
        router,
        _dir: dir,
    }
}

/// How [`app_with`] builds the application (defaults: the bundled demo, demo mode on).
pub struct AppOptions {
    pub scenario: String,
    pub demo_mode: bool,
    pub public_url: Option<&'static str>,
    /// A manual clock (unix ms) instead of the wall clock.
    pub clock: Option<std::sync::Arc<std::sync::atomic::AtomicI64>>,
}

impl Default for AppOptions {
    fn default() -> Self {
        Self {
            scenario: include_str!("../../scenarios/demo.toml").to_string(),
            demo_mode: true,
            public_url: None,
            clock: None,
        }
    }
}

/// Like [`demo_app`], with demo tools following `demo_mode` and the given options.
pub async fn app_with(o: AppOptions) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = db::test_db_url(dir.path(), "test.db");
    let pool = store::connect(&url).await.unwrap();
    store::migrate(&pool).await.unwrap();
    let mut ops = Ops::new(pool, Bus::new(), 0);
    ops.demo_tools = o.demo_mode;
    if let Some(c) = o.clock {
        ops.clock = linkyard::ops::Clock::Manual(c);
    }
    let s = scenario::parse(&o.scenario).unwrap();
    scenario::load(&ops, &s, false).await.unwrap();
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("linkyard")
        .build();
    let router = router(AppState {
        leptos_options: options,
        ops: ops.clone(),
        demo_mode: o.demo_mode,
        nonces: Default::default(),
        throttle: Default::default(),
        keys: Default::default(),
        scenario: Some(std::sync::Arc::new(s)),
        public_url: o
            .public_url
            .map(|u| linkyard::server::security::PublicUrl::parse(u).unwrap()),
    })
    .await
    .unwrap();
    TestApp {
        ops,
        router,
        _dir: dir,
    }
}

/// A router over `ops` (a second server on the same database, or one after a restart).
pub async fn app_router(ops: &Ops, customize: impl FnOnce(&mut AppState)) -> Router {
    let s = scenario::parse(include_str!("../../scenarios/demo.toml")).unwrap();
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("linkyard")
        .build();
    let mut state = AppState {
        leptos_options: options,
        ops: ops.clone(),
        demo_mode: true,
        nonces: Default::default(),
        throttle: Default::default(),
        keys: Default::default(),
        scenario: Some(std::sync::Arc::new(s)),
        public_url: None,
    };
    customize(&mut state);
    router(state).await.unwrap()
}

/// How long one request through the router (or the reading of its body) may take before the test
/// fails: far above what any request needs, even on a loaded 2-core CI machine, but a hang fails
/// the test with the request's name instead of stalling the whole run. `LINKYARD_TEST_REQUEST_TIMEOUT_S`
/// overrides it.
pub fn request_timeout() -> std::time::Duration {
    let secs = std::env::var("LINKYARD_TEST_REQUEST_TIMEOUT_S")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    std::time::Duration::from_secs(secs)
}

/// Awaits `fut` for at most [`request_timeout`], panicking with `what` when it takes longer.
///
/// Two guards: the tokio timeout ends an await that never wakes (a future parked forever), and a
/// watchdog thread ends the process when the test's runtime thread itself is blocked (then no
/// timer can fire), printing `what` either way.
pub async fn within<F: std::future::Future>(what: &str, fut: F) -> F::Output {
    let limit = request_timeout();
    let _watchdog = Watchdog::arm(what, limit + std::time::Duration::from_secs(15));
    match tokio::time::timeout(limit, fut).await {
        Ok(out) => out,
        Err(_) => panic!(
            "{what} did not finish within {} s: the request hangs (see `within` in tests/common)",
            limit.as_secs()
        ),
    }
}

/// Ends the process with a message when it is not disarmed (dropped) before `limit`.
struct Watchdog {
    done: std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
}

impl Watchdog {
    fn arm(what: &str, limit: std::time::Duration) -> Self {
        let done = std::sync::Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
        let watched = done.clone();
        let what = what.to_string();
        std::thread::spawn(move || {
            let (lock, cvar) = &*watched;
            let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
            let (guard, _) = cvar
                .wait_timeout_while(guard, limit, |done| !*done)
                .unwrap_or_else(|e| e.into_inner());
            if !*guard {
                eprintln!(
                    "{what} is still running after {} s and its runtime thread does not respond: \
                     aborting the test process",
                    limit.as_secs()
                );
                std::process::exit(101);
            }
        });
        Self { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let (lock, cvar) = &*self.done;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) = true;
        cvar.notify_one();
    }
}

/// A browser-like client: remembers the session cookie.
pub struct Client {
    router: Router,
    cookie: Option<String>,
    /// The TCP peer the server sees (`ConnectInfo`); none by default, as with `oneshot`.
    pub peer: Option<std::net::SocketAddr>,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: String,
    pub headers: axum::http::HeaderMap,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Client {
    pub fn new(app: &TestApp) -> Self {
        Self {
            router: app.router.clone(),
            cookie: None,
            peer: None,
        }
    }

    /// The session cookie as sent (`name=value`).
    pub fn cookie(&self) -> Option<String> {
        self.cookie.clone()
    }

    /// Replaces the session cookie (`name=value`), e.g. to plant or replay one.
    pub fn set_cookie(&mut self, cookie: Option<String>) {
        self.cookie = cookie;
    }

    /// Sends `req` with the cookie and returns the response unread (streams, headers).
    pub async fn open(&mut self, mut req: Request<Body>) -> axum::response::Response {
        if let Some(c) = &self.cookie {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        if !req.headers().contains_key(header::HOST) {
            req.headers_mut()
                .insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
        }
        if let Some(peer) = self.peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        let what = format!("{} {}", req.method(), req.uri());
        let res = within(&what, self.router.clone().oneshot(req))
            .await
            .unwrap();
        if let Some(set) = res.headers().get(header::SET_COOKIE) {
            let v = set.to_str().unwrap();
            self.cookie = Some(v.split(';').next().unwrap().to_string());
        }
        res
    }

    pub async fn send(&mut self, req: Request<Body>) -> Reply {
        let what = format!("{} {} (reading the body)", req.method(), req.uri());
        let res = self.open(req).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = within(&what, res.into_body().collect())
            .await
            .unwrap()
            .to_bytes();
        Reply {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            headers,
        }
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// Calls a server function (`/api/<endpoint>`) with form-encoded arguments.
    pub async fn call(&mut self, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let req = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn sign_in(&mut self, (id, password): (&str, &str)) -> Reply {
        self.call(
            "sign_in",
            &[("form[account_id]", id), ("form[password]", password)],
        )
        .await
    }
}
