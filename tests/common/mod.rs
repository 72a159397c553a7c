//! Test support: a real router over a real SQLite file with the demo scenario, and a tiny HTTP client
//! that keeps the session cookie. `api` signs cloud API requests.
#![allow(dead_code)]

pub mod api;

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
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
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
        scenario: Some(std::sync::Arc::new(s)),
    };
    customize(&mut state);
    router(state).await.unwrap()
}

/// A browser-like client: remembers the session cookie.
pub struct Client {
    router: Router,
    cookie: Option<String>,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: String,
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
        }
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Reply {
        if let Some(c) = &self.cookie {
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        req.headers_mut()
            .insert(header::HOST, "127.0.0.1:3000".parse().unwrap());
        let res = self.router.clone().oneshot(req).await.unwrap();
        if let Some(set) = res.headers().get(header::SET_COOKIE) {
            let v = set.to_str().unwrap();
            self.cookie = Some(v.split(';').next().unwrap().to_string());
        }
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            body: String::from_utf8_lossy(&bytes).into_owned(),
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
        self.call("sign_in", &[("account_id", id), ("password", password)])
            .await
    }
}
