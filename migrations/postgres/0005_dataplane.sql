-- Data plane (issue 14). Local loopback addresses are stored as sequence numbers; the domain maps
-- them to addresses (`domain::dataplane`): ENI n -> 127.1.0.0 + n, VPC resolver n -> 127.53.0.0 + n.
-- A number is allocated once (MAX + 1 when the row is inserted) and kept for the row's lifetime.
ALTER TABLE endpoint_zones ADD COLUMN local_seq BIGINT;
-- (the SQLite migration numbers existing rows here; on PostgreSQL this version runs on empty tables)
CREATE UNIQUE INDEX endpoint_zones_local ON endpoint_zones(local_seq);

ALTER TABLE vpcs ADD COLUMN resolver_seq BIGINT;
-- (the SQLite migration numbers existing rows here; on PostgreSQL this version runs on empty tables)
CREATE UNIQUE INDEX vpcs_resolver ON vpcs(resolver_seq);

-- Load balancer listeners: a TCP port and the backend (a loopback host:port) that answers behind it.
CREATE TABLE lb_listeners (
    lb_id      TEXT NOT NULL REFERENCES load_balancers(id) ON DELETE CASCADE,
    port       BIGINT NOT NULL,
    protocol   TEXT NOT NULL DEFAULT 'TCP',
    backend    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (lb_id, port)
);
