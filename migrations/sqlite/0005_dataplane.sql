-- Data plane (issue 14). Local loopback addresses are stored as sequence numbers; the domain maps
-- them to addresses (`domain::dataplane`): ENI n -> 127.1.0.0 + n, VPC resolver n -> 127.53.0.0 + n.
-- A number is allocated once (MAX + 1 when the row is inserted) and kept for the row's lifetime.
ALTER TABLE endpoint_zones ADD COLUMN local_seq INTEGER;
UPDATE endpoint_zones SET local_seq = rowid;
CREATE UNIQUE INDEX endpoint_zones_local ON endpoint_zones(local_seq);

ALTER TABLE vpcs ADD COLUMN resolver_seq INTEGER;
UPDATE vpcs SET resolver_seq = rowid;
CREATE UNIQUE INDEX vpcs_resolver ON vpcs(resolver_seq);

-- Load balancer listeners: a TCP port and the backend (a loopback host:port) that answers behind it.
CREATE TABLE lb_listeners (
    lb_id      TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    port       INTEGER NOT NULL,
    protocol   TEXT NOT NULL DEFAULT 'TCP',
    backend    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (lb_id, port)
);
