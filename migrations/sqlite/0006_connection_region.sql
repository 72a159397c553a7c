-- The endpoint's region on its connection row (endpoints never change region), so a list of an
-- account's endpoints filtered by connection status reads one index range instead of joining every
-- endpoint of the account.
ALTER TABLE connections ADD COLUMN endpoint_region_id TEXT NOT NULL DEFAULT '';
UPDATE connections
   SET endpoint_region_id = COALESCE((SELECT region_id FROM endpoints e WHERE e.id = connections.endpoint_id), '');
CREATE INDEX connections_owner_status
    ON connections(endpoint_owner_id, endpoint_region_id, status, endpoint_id);
