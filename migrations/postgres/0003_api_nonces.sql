-- Signature nonces the cloud API accepted in the last 30 minutes (replay protection across
-- restarts). Only a 64-bit hash of (AccessKeyId, nonce) is kept.
CREATE TABLE api_nonces (
    access_key_id TEXT NOT NULL,
    nonce_hash BIGINT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (access_key_id, nonce_hash)
);
CREATE INDEX api_nonces_seen_at ON api_nonces (seen_at);
