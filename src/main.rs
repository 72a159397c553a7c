//! The `linkyard` binary: `serve`, `migrate` and `scenario load`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    linkyard::cli::main().await
}
