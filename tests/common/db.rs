#![allow(dead_code)]
//! Which store the suite runs on. By default a SQLite file in the test's temporary directory; with
//! `LINKYARD_TEST_POSTGRES` set to the admin URL of a (throwaway) PostgreSQL server, a new
//! database on it for every call, so tests stay independent (`scripts/test.sh` starts one).

use std::path::Path;

/// The admin URL of the PostgreSQL server the suite runs on, if it runs on one.
pub fn postgres_admin() -> Option<String> {
    std::env::var("LINKYARD_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A URL of a new, empty database for one test: `sqlite://<dir>/<name>`, or a fresh PostgreSQL
/// database when the suite runs on PostgreSQL.
pub fn test_db_url(dir: &Path, name: &str) -> String {
    match postgres_admin() {
        None => format!("sqlite://{}", dir.join(name).display()),
        Some(admin) => new_postgres_database(&admin),
    }
}

/// Creates a database on the server at `admin` and returns its URL.
pub fn new_postgres_database(admin: &str) -> String {
    let name = format!("ly_{}", uuid::Uuid::new_v4().simple());
    let out = std::process::Command::new("psql")
        .arg(admin)
        .args(["-qAt", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "cannot create a test database: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}
