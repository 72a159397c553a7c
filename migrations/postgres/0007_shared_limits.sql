-- Per-AccessKey token buckets of the cloud API's flow control, shared by every replica (so a limit
-- does not multiply with the replica count). UNLOGGED: no WAL per request; after a crash the
-- buckets start full again, which is what a restart does on SQLite too.
CREATE UNLOGGED TABLE api_buckets (
    access_key_id TEXT PRIMARY KEY,
    tokens        DOUBLE PRECISION NOT NULL,
    updated_ms    BIGINT NOT NULL
);

-- Console sign-in failure counters (see `ops::throttle`), shared by every replica, so guessing a
-- password through several replicas is as slow as through one.
CREATE TABLE signin_failures (
    throttle_key TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    last_failure BIGINT NOT NULL
);
