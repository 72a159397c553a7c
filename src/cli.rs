//! Command line: `linkyard serve | migrate | scenario load FILE`. Every option also reads an
//! environment variable; bad configuration ends with one line saying what to fix and exit code 2.

use crate::events::Bus;
use crate::ops::Ops;
use crate::seal::SealKey;
use crate::server::{AppState, router};
use crate::{scenario, store};
use clap::{Parser, Subcommand};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "linkyard",
    version,
    about = "Alibaba Cloud PrivateLink console and emulator"
)]
pub struct Cli {
    /// SQLite database URL.
    #[arg(
        long,
        global = true,
        env = "LINKYARD_DATABASE_URL",
        default_value = "sqlite://linkyard.db"
    )]
    pub database_url: String,
    /// Log filter (error, warn, info, debug, trace, or a tracing filter expression).
    #[arg(long, global = true, env = "LINKYARD_LOG", default_value = "info")]
    pub log_level: String,
    /// File with the server key that seals AccessKey secrets at rest (32 bytes, base64); created
    /// with mode 0600 when missing. Default: the database file's path plus `.key`. The key can
    /// also be given itself, in base64, in LINKYARD_SEAL_KEY (which then takes precedence).
    #[arg(long, global = true, env = "LINKYARD_SEAL_KEY_FILE")]
    pub seal_key_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the console and the cloud API.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Scenario files: declarative accounts and inventory.
    Scenario {
        #[command(subcommand)]
        command: ScenarioCommand,
    },
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LINKYARD_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// How long transitional states (Creating, Connecting …) last, in milliseconds.
    #[arg(long, env = "LINKYARD_TRANSITION_DELAY_MS", default_value_t = 1500)]
    pub transition_delay_ms: u64,
    /// Scenario to load at start when the store is empty.
    #[arg(long, env = "LINKYARD_SCENARIO")]
    pub scenario: Option<PathBuf>,
    /// Replace the store's contents with the scenario even when it is not empty.
    #[arg(long, env = "LINKYARD_RESET", default_value_t = false)]
    pub reset: bool,
    /// Demo mode: several accounts per browser, demo tools. On by default when a scenario is given.
    #[arg(long, env = "LINKYARD_DEMO")]
    pub demo: Option<bool>,
    /// The URL browsers use to reach the console, e.g. `https://console.example.com` behind a TLS
    /// proxy (default: `http://<addr>`). With https, session cookies are `Secure` and
    /// `__Host-` prefixed; when given, state-changing requests must come from its origin.
    #[arg(long, env = "LINKYARD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Directory with the built site (`pkg/` with the WASM, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Cloud API flow control: sustained requests per second per AccessKey (0 turns it off).
    /// Over the limit the API answers `Throttling.User`.
    #[arg(long, env = "LINKYARD_API_RATE", default_value_t = crate::openapi::throttle::DEFAULT_RATE)]
    pub api_rate: u32,
    /// Cloud API flow control: requests per AccessKey accepted in one burst.
    #[arg(long, env = "LINKYARD_API_BURST", default_value_t = crate::openapi::throttle::DEFAULT_BURST)]
    pub api_burst: u32,
    /// Where the authoritative DNS server for PrivateLink names listens (UDP and TCP) [default:
    /// 127.0.0.1:5353]. Each VPC's resolver view listens on its own loopback address, same port.
    #[arg(long, env = "LINKYARD_DNS_ADDR")]
    pub dns_addr: Option<SocketAddr>,
    /// Do not serve DNS.
    #[arg(long, env = "LINKYARD_NO_DNS", default_value_t = false)]
    pub no_dns: bool,
    /// Which addresses DNS answers with: the endpoint zones' local loopback addresses, where the
    /// proxy carries traffic, or the modelled vSwitch IPs.
    #[arg(long, env = "LINKYARD_DNS_ANSWER", value_enum, default_value_t = DnsAnswer::Local)]
    pub dns_answer: DnsAnswer,
    /// Do not proxy traffic through the endpoint zones' local addresses.
    #[arg(long, env = "LINKYARD_NO_PROXY", default_value_t = false)]
    pub no_proxy: bool,
}

/// `--dns-answer`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsAnswer {
    Local,
    Modelled,
}

/// Starts the data plane for `serve`. An address given with `--dns-addr` that cannot be bound
/// stops the server; the default one (another Linkyard may hold it) only turns DNS off, loudly.
async fn start_dataplane(
    ops: &Ops,
    args: &ServeArgs,
) -> Result<crate::dataplane::Dataplane, String> {
    use crate::dataplane::{AnswerMode, Config, Dataplane};
    let mut config = Config {
        answer: match args.dns_answer {
            DnsAnswer::Local => AnswerMode::Local,
            DnsAnswer::Modelled => AnswerMode::Modelled,
        },
        proxy: !args.no_proxy,
        ..Config::default()
    };
    if args.no_dns {
        config.dns_addr = None;
    } else if let Some(a) = args.dns_addr {
        config.dns_addr = Some(a);
    }
    match Dataplane::start(ops, config.clone()).await {
        Err(e) if args.dns_addr.is_none() && config.dns_addr.is_some() => {
            tracing::warn!("{e}; DNS is off");
            Dataplane::start(
                ops,
                Config {
                    dns_addr: None,
                    ..config
                },
            )
            .await
        }
        r => r,
    }
}

#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// Load a scenario file into the store.
    Load {
        file: PathBuf,
        /// Delete the store's contents first (required when it is not empty).
        #[arg(long)]
        reset: bool,
    },
}

/// Parses the command line, runs the command and turns failures into one line on stderr.
pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(&cli.log_level);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("linkyard: {e}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(level).unwrap_or_else(|_| {
        eprintln!("linkyard: ignoring bad log level `{level}`; using info");
        tracing_subscriber::EnvFilter::new("info")
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn open(url: &str) -> Result<store::DbPool, String> {
    let pool = store::connect(url).await?;
    store::migrate(&pool).await?;
    Ok(pool)
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Migrate => {
            open(&cli.database_url).await?;
            println!("migrations applied to {}", cli.database_url);
            Ok(())
        }
        Command::Scenario {
            command: ScenarioCommand::Load { file, reset },
        } => {
            let s = scenario::read(&file)?;
            let mut ops = Ops::new(open(&cli.database_url).await?, Bus::new(), 0);
            ops.seal = SealKey::configured(&cli.database_url, cli.seal_key_file.as_deref())?;
            // With --reset the AccessKeys are replaced: another key is no reason to stop.
            if let Err(e) = ops.seal_secrets().await
                && !reset
            {
                return Err(e);
            }
            scenario::load(&ops, &s, reset).await?;
            println!(
                "scenario `{}` loaded into {} ({} accounts)",
                s.name,
                cli.database_url,
                s.accounts.len()
            );
            Ok(())
        }
        Command::Serve(args) => {
            serve_sealed(&cli.database_url, cli.seal_key_file.as_deref(), args).await
        }
    }
}

/// Starts the server and runs until SIGINT/SIGTERM, with the seal key from the environment or
/// next to the database.
pub async fn serve(database_url: &str, args: ServeArgs) -> Result<(), String> {
    serve_sealed(database_url, None, args).await
}

/// [`serve`] with the seal key read from `seal_key_file` (unless `LINKYARD_SEAL_KEY` is set).
pub async fn serve_sealed(
    database_url: &str,
    seal_key_file: Option<&std::path::Path>,
    args: ServeArgs,
) -> Result<(), String> {
    let started = Instant::now();
    // Before anything records a metric (the reconciler's leadership among the first).
    crate::server::metrics::install();
    let scenario = args.scenario.as_deref().map(scenario::read).transpose()?;
    let public_url = args
        .public_url
        .as_deref()
        .map(crate::server::security::PublicUrl::parse)
        .transpose()?;
    let shown_url = public_url
        .as_ref()
        .map_or_else(|| format!("http://{}/", args.addr), |u| u.to_string());
    // Bind first: a port in use is reported before anything else happens.
    let listener = tokio::net::TcpListener::bind(args.addr).await.map_err(|e| {
        format!("cannot listen on {}: {e} (is another server running? choose another port with --addr)", args.addr)
    })?;
    let pool = open(database_url).await?;
    let backend = store::backend(&pool);
    // Replicas starting together take turns from here to the first scenario load.
    let startup = store::locks::StartupLock::take(&pool).await?;
    let demo_mode = args.demo.unwrap_or(scenario.is_some());
    let mut ops = Ops::new(pool, Bus::new(), args.transition_delay_ms as i64);
    ops.demo_tools = demo_mode;
    // Secrets at rest: seal what is still plaintext; a wrong key stops here, with one line.
    ops.seal = SealKey::configured(database_url, seal_key_file)?;
    let sealed = match ops.seal_secrets().await {
        // The scenario is about to replace every AccessKey: another key is no reason to stop.
        Err(e) if args.reset && scenario.is_some() => {
            tracing::warn!("{e}; continuing, since --reset replaces the AccessKeys");
            0
        }
        r => r?,
    };
    if sealed > 0 {
        tracing::info!(sealed, key = %ops.seal.source, "sealed AccessKey secrets stored in plaintext");
    }
    ops.ensure_catalogue()
        .await
        .map_err(|e| format!("cannot create the managed-service catalogue: {e}"))?;
    if let Some(s) = &scenario {
        let mut c = ops.pool.acquire().await.map_err(|e| e.to_string())?;
        let existing = store::accounts::count(&mut c)
            .await
            .map_err(|e| e.to_string())?;
        drop(c);
        if existing == 0 || args.reset {
            scenario::load(&ops, s, args.reset).await?;
        } else {
            tracing::info!(scenario = %s.name, "store not empty; keeping its data (use --reset to reload the scenario)");
        }
    }
    drop(startup);
    if backend == store::Backend::Postgres {
        // Other replicas may share this database: relay live events through it.
        let wake = ops.clone();
        crate::events::postgres::spawn(
            &ops.bus,
            ops.pool.clone(),
            database_url.to_string(),
            std::sync::Arc::new(move || wake.wake()),
        );
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("linkyard")
        .site_root(args.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(args.addr)
        .build();
    // Finish whatever transitions were due while the server was down, then keep going.
    ops.spawn_reconciler();
    let _dataplane = start_dataplane(&ops, &args).await?;
    // Signature nonces of the last 30 minutes, so a restart does not reopen the replay window.
    let nonces = std::sync::Arc::new(crate::openapi::nonces::NonceCache::with_cap(
        crate::openapi::nonces::NonceCache::cap_for_rate(args.api_rate, args.api_burst),
    ));
    let restored = nonces
        .load(&ops.pool, ops.clock.now())
        .await
        .map_err(|e| format!("cannot read the signature nonces: {e}"))?;
    tracing::debug!(restored, "signature nonces restored");
    if backend == store::Backend::Postgres {
        // A nonce one replica accepted is refused by all the others too.
        nonces.share_through(ops.pool.clone());
    }
    nonces.spawn_flusher(ops.write_pool.clone(), ops.clock.clone());
    let throttle = std::sync::Arc::new(crate::openapi::throttle::Throttle::new(
        crate::openapi::throttle::ThrottleConfig {
            per_second: args.api_rate,
            burst: args.api_burst,
        },
    ));
    if backend == store::Backend::Postgres {
        // One limit for all replicas together, not one per replica.
        throttle.share_through(ops.pool.clone());
        ops.sign_ins.share_through(&ops.pool);
    }
    throttle.spawn_housekeeping();
    let state = AppState {
        leptos_options,
        ops: ops.clone(),
        demo_mode,
        nonces: nonces.clone(),
        throttle,
        keys: Default::default(),
        scenario: scenario.clone().map(std::sync::Arc::new),
        public_url,
    };
    let app = router(state).await?;
    // Start-up (migrations, the scenario, the route list) freed most of what it allocated.
    let (rss_before, rss_after) = crate::memory::trim();
    tracing::info!(
        addr = %args.addr,
        ready_ms = started.elapsed().as_millis() as u64,
        rss_kib_before_trim = rss_before.unwrap_or(0) / 1024,
        rss_kib = rss_after.unwrap_or(0) / 1024,
        demo_mode,
        "Linkyard console at {shown_url}"
    );
    if let Some(s) = &scenario {
        println!(
            "Linkyard is serving {shown_url} — sign in with one of the scenario `{}` accounts:",
            s.name
        );
        for a in &s.accounts {
            println!("  {}  {}", a.id, a.name);
        }
        println!(
            "  (their passwords are in the scenario file and, for the bundled demo, in the README)"
        );
    } else {
        println!("Linkyard is serving {shown_url}");
    }
    // Without TCP_NODELAY the last small chunk of a streamed page waits for the client's delayed
    // ACK (about 40 ms on Linux) on keep-alive connections.
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "could not set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| format!("server error: {e}"))?;
    if let Err(e) = nonces.flush(&ops.write_pool).await {
        tracing::warn!(error = %e, "could not save the last signature nonces");
    }
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received");
}
