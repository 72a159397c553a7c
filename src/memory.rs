//! Process memory (glibc on Linux; elsewhere these do nothing): fewer malloc arenas, and the
//! heap that start-up freed handed back to the system.

/// Resident memory of this process in bytes (`None` where `/proc` is not available).
pub fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Caps glibc's malloc at two arenas unless `MALLOC_ARENA_MAX` says otherwise. By default each
/// thread that allocates may get its own arena (up to eight per core: the tokio workers, every
/// SQLite connection's thread, the blocking pool) and each keeps what was freed in it. Call it
/// first thing in `main`, before any thread starts.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only changes a malloc tunable.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// Hands freed heap pages back to the system (start-up builds and drops a lot: the scenario
/// load, the console's route list). Returns the resident memory before and after, in bytes.
pub fn trim() -> (Option<u64>, Option<u64>) {
    let before = rss_bytes();
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator.
    unsafe {
        libc::malloc_trim(0);
    }
    (before, rss_bytes())
}
