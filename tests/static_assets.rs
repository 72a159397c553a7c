//! The site's assets: build-time brotli/gzip copies are sent as they are, with revalidation.
#![cfg(feature = "ssr")]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn precompressed_assets_are_served_without_compressing_again() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let wasm = vec![7u8; 200_000];
    std::fs::write(pkg.join("linkyard_bg.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("linkyard_bg.wasm.br"), b"pretend-brotli").unwrap();
    std::fs::write(pkg.join("linkyard_bg.wasm.gz"), b"pretend-gzip").unwrap();
    let root = site.path().to_string_lossy().to_string();
    let app = common::demo_app_with(|s| s.leptos_options.site_root = root.into()).await;

    let get = |encoding: &'static str| {
        Request::get("/pkg/linkyard_bg.wasm")
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap()
    };
    let res = app
        .router
        .clone()
        .oneshot(get("gzip, deflate, br"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(res.headers().contains_key(header::LAST_MODIFIED));
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        &body[..],
        b"pretend-brotli",
        "the stored copy, not a fresh compression"
    );

    let res = app.router.clone().oneshot(get("gzip")).await.unwrap();
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "gzip");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"pretend-gzip");

    let res = app.router.clone().oneshot(get("identity")).await.unwrap();
    assert!(!res.headers().contains_key(header::CONTENT_ENCODING));
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.len(), wasm.len());
}
