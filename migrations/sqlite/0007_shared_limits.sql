-- Per-AccessKey token buckets of the cloud API's flow control, for replicas that share one
-- database (PostgreSQL). A single SQLite process keeps its buckets in memory; the table is here so
-- that both stores have the same schema at every version.
CREATE TABLE api_buckets (
    access_key_id TEXT PRIMARY KEY,
    tokens        REAL NOT NULL,
    updated_ms    INTEGER NOT NULL
);

-- Console sign-in failure counters (see `ops::throttle`), likewise shared by replicas only.
CREATE TABLE signin_failures (
    throttle_key TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER NOT NULL,
    last_failure INTEGER NOT NULL
);
