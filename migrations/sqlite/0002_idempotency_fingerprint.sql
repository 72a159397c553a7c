-- ClientToken idempotency: what the first request asked for (so a reused token with other
-- parameters is refused) and an index for expiring entries after 24 hours.
ALTER TABLE idempotency ADD COLUMN fingerprint TEXT NOT NULL DEFAULT '';
CREATE INDEX idempotency_created ON idempotency(created_at);
