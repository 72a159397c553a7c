//! The `linkyard` binary: `serve`, `migrate` and `scenario load`.

fn main() -> std::process::ExitCode {
    // Before the runtime starts any thread.
    linkyard::memory::limit_arenas();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime")
        .block_on(linkyard::cli::main())
}
