//! The `linkyard` binary: bad configuration ends with one line saying what to fix and a non-zero code.
#![cfg(feature = "ssr")]

use std::process::Command;

fn linkyard(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_linkyard"))
        .args(args)
        .env("LINKYARD_LOG", "error")
        .env_remove("LINKYARD_DATABASE_URL")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

#[test]
fn unreadable_scenario() {
    let (code, err) = linkyard(&[
        "serve",
        "--scenario",
        "/nonexistent/demo.toml",
        "--addr",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot read scenario file /nonexistent/demo.toml"),
        "{err}"
    );
}

#[test]
fn bad_database_url() {
    let (code, err) = linkyard(&["--database-url", "mysql://x", "migrate"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unsupported database URL") && err.contains("sqlite://"),
        "{err}"
    );
    let (code, err) = linkyard(&[
        "--database-url",
        "sqlite:///nonexistent-dir/x.db",
        "migrate",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot open database"), "{err}");
}

#[test]
fn port_in_use() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let (code, err) = linkyard(&["--database-url", &url, "serve", "--addr", &addr]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot listen on") && err.contains("--addr"),
        "{err}"
    );
}

#[test]
fn scenario_load_then_refuse_without_reset() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/demo.toml");
    let (code, err) = linkyard(&["--database-url", &url, "scenario", "load", demo]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = linkyard(&["--database-url", &url, "scenario", "load", demo]);
    assert_eq!(code, 2);
    assert!(err.contains("--reset"), "{err}");
    let (code, _) = linkyard(&["--database-url", &url, "scenario", "load", "--reset", demo]);
    assert_eq!(code, 0);
}

#[test]
fn serve_loads_the_scenario_into_a_fresh_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let (code, err) = linkyard(&["--database-url", &url, "migrate"]);
    assert_eq!(code, 0, "{err}");
    // A migrated store with no user accounts is empty: `scenario load` works without --reset.
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/demo.toml");
    let (code, err) = linkyard(&["--database-url", &url, "scenario", "load", demo]);
    assert_eq!(code, 0, "{err}");
}
