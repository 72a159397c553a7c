//! Secrets at rest, with the real binary: AccessKey secrets are sealed with the server key (never
//! in the database file in plaintext), signed requests still verify, plaintext secrets of an
//! older database are sealed at start, a wrong key is refused with one line, and start-up does
//! not print passwords.
#![cfg(feature = "ssr")]

#[path = "common/server.rs"]
mod server;

use server::*;
use std::time::Duration;

const SECRETS: [&str; 3] = [NORTHWIND.1, CONTOSO.1, FABRIKAM.1];

/// Every file of the database (main file, WAL, shared memory), not the key file.
fn database_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("ly.db") && !name.ends_with(".key") {
            all.extend(std::fs::read(&p).unwrap());
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn list_ok(addr: &str, who: (&str, &str)) {
    let (status, json) = call(
        addr,
        who,
        "ListVpcEndpoints",
        &pairs(&[("RegionId", "cn-hangzhou")]),
    )
    .unwrap();
    assert_eq!(status, 200, "{json}");
}

async fn stored_secret(url: &str, id: &str) -> String {
    let pool = linkyard::store::connect(url).await.unwrap();
    let s = sqlx::query_scalar::<linkyard::store::Db, String>(
        "SELECT secret FROM access_keys WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    pool.close().await;
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_key_secrets_are_sealed_at_rest_and_a_wrong_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(dir.path(), "ly.db");
    let key_file = dir.path().join("ly.db.key");

    // First start: the key file is created next to the database, readable by its owner only.
    let s = Server::start(dir.path(), &url, 0, &[]);
    let meta = std::fs::metadata(&key_file).expect("the key file was created");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    let _ = meta;
    for who in [NORTHWIND, CONTOSO, FABRIKAM] {
        list_ok(&s.addr, who);
    }
    // Start-up names the accounts, not their passwords.
    let out = std::fs::read_to_string(&s.stdout).unwrap();
    assert!(out.contains("1000000000000001"), "{out}");
    for password in ["northwind-demo", "contoso-demo", "fabrikam-demo"] {
        assert!(
            !out.contains(password),
            "start-up printed a password: {out}"
        );
    }
    s.kill9();
    let db = database_bytes(dir.path());
    assert!(!db.is_empty());
    for secret in SECRETS {
        assert!(!contains(&db, secret), "`{secret}` is in the database file");
    }
    assert!(
        stored_secret(&url, NORTHWIND.0)
            .await
            .starts_with("sealed:v1:")
    );

    // A database from before sealing: its plaintext secrets are sealed at the next start.
    let pool = linkyard::store::connect(&url).await.unwrap();
    sqlx::query("UPDATE access_keys SET secret = $1 WHERE id = $2")
        .bind(CONTOSO.1)
        .bind(CONTOSO.0)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let s = Server::start(dir.path(), &url, 0, &[]);
    assert!(
        stored_secret(&url, CONTOSO.0)
            .await
            .starts_with("sealed:v1:")
    );
    list_ok(&s.addr, CONTOSO);
    list_ok(&s.addr, NORTHWIND);
    s.kill9();
    for secret in SECRETS {
        assert!(!contains(&database_bytes(dir.path()), secret));
    }

    // The same key given in the environment works; another key is refused at start, in one line.
    let key = std::fs::read_to_string(&key_file).unwrap();
    let s = Server::start(dir.path(), &url, 0, &[("LINKYARD_SEAL_KEY", key.trim())]);
    list_ok(&s.addr, FABRIKAM);
    s.kill9();
    let other = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 other bytes
    let (code, err) = Server::spawn(dir.path(), &url, 0, &[("LINKYARD_SEAL_KEY", other)])
        .exit(Duration::from_secs(30));
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("seal key") && err.contains("LINKYARD_SEAL_KEY"),
        "{err}"
    );
    let (code, err) = Server::spawn(dir.path(), &url, 0, &[("LINKYARD_SEAL_KEY", "short")])
        .exit(Duration::from_secs(30));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("32 bytes in base64"), "{err}");
    // A key file that is not the database's key is refused the same way.
    let wrong = dir.path().join("wrong.key");
    std::fs::write(&wrong, format!("{other}\n")).unwrap();
    let (code, err) = Server::spawn(
        dir.path(),
        &url,
        0,
        &[("LINKYARD_SEAL_KEY_FILE", wrong.to_str().unwrap())],
    )
    .exit(Duration::from_secs(30));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("wrong.key"), "{err}");
    // With --reset the AccessKeys are replaced anyway: the old secrets need not open.
    let mut reset = linkyard();
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = reset
        .args(["--database-url", &url, "serve", "--addr", &addr, "--reset"])
        .args(["--scenario", DEMO, "--site-root", "/nonexistent"])
        .env("LINKYARD_SEAL_KEY", other)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut status = None;
    while std::time::Instant::now() < deadline {
        assert!(child.try_wait().unwrap().is_none(), "serve --reset stopped");
        if let Ok((200, json)) = call(
            &addr,
            NORTHWIND,
            "ListVpcEndpoints",
            &pairs(&[("RegionId", "cn-hangzhou")]),
        )
        .map(|(s, j)| (s, j.to_string()))
        {
            status = Some(json);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        status.is_some(),
        "signed requests did not verify after --reset"
    );
}

#[tokio::test]
async fn a_demo_reset_seals_with_the_servers_key() {
    let dir = tempfile::tempdir().unwrap();
    let url = db_url(dir.path(), "ly.db");
    let pool = linkyard::store::connect(&url).await.unwrap();
    linkyard::store::migrate(&pool).await.unwrap();
    let mut ops = linkyard::ops::Ops::new(pool, linkyard::events::Bus::new(), 0);
    ops.seal = linkyard::seal::SealKey::from_bytes([7; 32], "test key");
    let demo = linkyard::scenario::parse(include_str!("../scenarios/demo.toml")).unwrap();
    linkyard::scenario::load(&ops, &demo, false).await.unwrap();
    // The reset loads into a staging database and copies the rows over.
    let ctx = linkyard::ops::Ctx::new("1000000000000001", linkyard::ops::Source::Console);
    linkyard::scenario::replace(&ops, &demo, &ctx)
        .await
        .unwrap();
    for (id, secret) in [NORTHWIND, CONTOSO, FABRIKAM] {
        let key = ops.access_key(id).await.unwrap().unwrap();
        assert_eq!(key.secret, secret);
    }
    let sealed =
        sqlx::query_scalar::<linkyard::store::Db, String>("SELECT secret FROM access_keys")
            .fetch_all(&ops.pool)
            .await
            .unwrap();
    assert!(
        sealed.iter().all(|s| s.starts_with("sealed:v1:")),
        "{sealed:?}"
    );
}
