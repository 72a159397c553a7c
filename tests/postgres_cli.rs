//! The `linkyard` binary on PostgreSQL: `migrate` and `scenario load` work, and bad configuration
//! (an unreachable server, wrong credentials, a missing database, a database another Linkyard
//! version migrated, no shared seal key) ends with one line saying what to fix.
//!
//! Needs `LINKYARD_TEST_POSTGRES` (`scripts/test.sh` starts a throwaway server); without it the
//! tests say so and check nothing.
#![cfg(feature = "ssr")]

#[path = "common/db.rs"]
mod db;

use std::process::Command;

const SEAL_KEY: &str = "bGlua3lhcmQtdGVzdC1zZWFsLWtleS0zMi1ieXRlcyE=";
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/demo.toml");

fn linkyard(args: &[&str], seal: bool) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_linkyard"));
    c.args(args)
        .env("LINKYARD_LOG", "error")
        .env_remove("LINKYARD_DATABASE_URL")
        .env_remove("LINKYARD_SEAL_KEY");
    if seal {
        c.env("LINKYARD_SEAL_KEY", SEAL_KEY);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

fn admin() -> Option<String> {
    let a = db::postgres_admin();
    if a.is_none() {
        eprintln!("LINKYARD_TEST_POSTGRES is not set: these tests need PostgreSQL");
    }
    a
}

fn psql(url: &str, sql: &str) {
    let out = Command::new("psql")
        .args([url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `url` with its password replaced by `password`.
fn with_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let (userinfo, host) = rest.split_once('@').unwrap();
    let user = userinfo.split(':').next().unwrap();
    format!("{scheme}://{user}:{password}@{host}")
}

#[test]
fn migrate_and_scenario_load_work_on_postgres() {
    let Some(admin) = admin() else { return };
    let url = db::new_postgres_database(&admin);
    let (code, err) = linkyard(&["--database-url", &url, "migrate"], true);
    assert_eq!(code, 0, "{err}");
    // Migrating again is a no-op.
    let (code, err) = linkyard(&["--database-url", &url, "migrate"], true);
    assert_eq!(code, 0, "{err}");
    let (code, err) = linkyard(&["--database-url", &url, "scenario", "load", DEMO], true);
    assert_eq!(code, 0, "{err}");
    let (code, err) = linkyard(&["--database-url", &url, "scenario", "load", DEMO], true);
    assert_eq!(code, 2, "a second load without --reset must refuse");
    assert!(err.contains("--reset"), "{err}");
    let (code, err) = linkyard(
        &["--database-url", &url, "scenario", "load", "--reset", DEMO],
        true,
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn bad_postgres_configuration_gets_one_line() {
    let Some(admin) = admin() else { return };
    let one_line = |err: &str| assert_eq!(err.lines().count(), 1, "not one line: {err}");

    // Nobody listens on port 1.
    let (code, err) = linkyard(
        &[
            "--database-url",
            "postgres://ly:pw@127.0.0.1:1/ly",
            "migrate",
        ],
        true,
    );
    assert_eq!(code, 2, "{err}");
    one_line(&err);
    assert!(err.contains("cannot reach PostgreSQL"), "{err}");
    assert!(!err.contains(":pw@"), "the password is shown: {err}");

    // Wrong credentials.
    let url = db::new_postgres_database(&admin);
    let (code, err) = linkyard(
        &["--database-url", &with_password(&url, "wrong"), "migrate"],
        true,
    );
    assert_eq!(code, 2, "{err}");
    one_line(&err);
    assert!(err.contains("refused the credentials"), "{err}");
    assert!(!err.contains(":wrong@"), "the password is shown: {err}");

    // A database that does not exist.
    let missing = format!("{}/ly_missing_database", url.rsplit_once('/').unwrap().0);
    let (code, err) = linkyard(&["--database-url", &missing, "migrate"], true);
    assert_eq!(code, 2, "{err}");
    one_line(&err);
    assert!(err.contains("no such database"), "{err}");

    // A database another (newer) Linkyard migrated.
    let (code, err) = linkyard(&["--database-url", &url, "migrate"], true);
    assert_eq!(code, 0, "{err}");
    psql(
        &url,
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from the future', TRUE, '\\x00', 0)",
    );
    let (code, err) = linkyard(&["--database-url", &url, "migrate"], true);
    assert_eq!(code, 2, "{err}");
    one_line(&err);
    assert!(
        err.contains("migrated by another Linkyard version"),
        "{err}"
    );

    // Replicas must share the secret-sealing key: a PostgreSQL store refuses to start without one.
    let fresh = db::new_postgres_database(&admin);
    let (code, err) = linkyard(
        &["--database-url", &fresh, "serve", "--addr", "127.0.0.1:0"],
        false,
    );
    assert_eq!(code, 2, "{err}");
    one_line(&err);
    assert!(err.contains("LINKYARD_SEAL_KEY"), "{err}");
}
