-- Linkyard schema. Timestamps are unix milliseconds (BIGINT); booleans are 0/1.
-- Transitional states carry `due_at`: the reconciler advances a row once now >= due_at,
-- so a restart resumes every pending transition from the database.

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY,            -- 16-digit account id
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_platform   BOOLEAN NOT NULL DEFAULT FALSE,  -- owns the Alibaba Cloud managed services
    business_status TEXT NOT NULL DEFAULT 'Normal', -- Normal | FinancialLocked (overdue payment)
    created_at    BIGINT NOT NULL
);

CREATE TABLE access_keys (
    id         TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);
CREATE INDEX access_keys_account ON access_keys(account_id);

CREATE TABLE vpcs (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    region_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    cidr       TEXT NOT NULL,
    ipv6_cidr  TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX vpcs_owner ON vpcs(account_id, region_id);

CREATE TABLE vswitches (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    region_id  TEXT NOT NULL,
    vpc_id     TEXT NOT NULL REFERENCES vpcs(id),
    zone_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    cidr       TEXT NOT NULL,
    ipv6_cidr  TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX vswitches_owner ON vswitches(account_id, region_id);
CREATE INDEX vswitches_vpc ON vswitches(vpc_id);

-- Every address handed out from a vSwitch. The primary key makes a double allocation impossible.
CREATE TABLE ip_allocations (
    vswitch_id TEXT NOT NULL REFERENCES vswitches(id),
    ip         TEXT NOT NULL,
    owner_kind TEXT NOT NULL,   -- eni | lb
    owner_id   TEXT NOT NULL,
    PRIMARY KEY (vswitch_id, ip)
);
CREATE INDEX ip_allocations_owner ON ip_allocations(owner_id);

CREATE TABLE security_groups (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    region_id  TEXT NOT NULL,
    vpc_id     TEXT NOT NULL REFERENCES vpcs(id),
    name       TEXT NOT NULL,
    sg_type    TEXT NOT NULL DEFAULT 'normal',   -- normal | enterprise
    created_at BIGINT NOT NULL
);
CREATE INDEX security_groups_owner ON security_groups(account_id, region_id);

CREATE TABLE load_balancers (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    region_id   TEXT NOT NULL,
    vpc_id      TEXT NOT NULL REFERENCES vpcs(id),
    lb_type     TEXT NOT NULL,                   -- clb | alb | nlb | gwlb
    name        TEXT NOT NULL,
    zones       TEXT NOT NULL,                   -- comma-separated zone ids
    dual_stack  BOOLEAN NOT NULL DEFAULT FALSE,
    privatelink_supported BOOLEAN NOT NULL DEFAULT TRUE,
    address     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX load_balancers_owner ON load_balancers(account_id, region_id);

CREATE TABLE endpoint_services (
    id                 TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL REFERENCES accounts(id),
    region_id          TEXT NOT NULL,
    name               TEXT NOT NULL UNIQUE,
    domain             TEXT NOT NULL,
    description        TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL,            -- Creating | Active | Pending | Deleting
    due_at             BIGINT,                  -- when the transitional status advances
    business_status    TEXT NOT NULL DEFAULT 'Normal',
    resource_type      TEXT NOT NULL,            -- slb | alb | nlb | gwlb | vpc (managed services)
    auto_accept        BOOLEAN NOT NULL DEFAULT FALSE,
    zone_affinity      BOOLEAN NOT NULL DEFAULT FALSE,
    address_ip_version TEXT NOT NULL DEFAULT 'IPv4',
    connect_bandwidth  BIGINT NOT NULL DEFAULT 3072,
    payer              TEXT NOT NULL DEFAULT 'Endpoint',
    resource_group_id  TEXT NOT NULL,
    managed_product    TEXT,                     -- oss, sls … for Alibaba Cloud services
    custom_domain      TEXT,                     -- e.g. oss-cn-hangzhou-internal.aliyuncs.com
    policy_supported   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX endpoint_services_owner ON endpoint_services(account_id, region_id, id);
CREATE INDEX endpoint_services_due ON endpoint_services(due_at) WHERE due_at IS NOT NULL;

CREATE TABLE service_supported_regions (
    service_id TEXT NOT NULL REFERENCES endpoint_services(id) ON DELETE CASCADE,
    region_id  TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'Available',
    PRIMARY KEY (service_id, region_id)
);

CREATE TABLE service_resources (
    service_id     TEXT NOT NULL REFERENCES endpoint_services(id) ON DELETE CASCADE,
    resource_id    TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    zone_id        TEXT NOT NULL,
    auto_allocated BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (service_id, resource_id, zone_id)
);
CREATE INDEX service_resources_resource ON service_resources(resource_id);

CREATE TABLE service_users (
    service_id TEXT NOT NULL REFERENCES endpoint_services(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    user_arn   TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    added_by   TEXT NOT NULL,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (service_id, user_id)
);
CREATE INDEX service_users_user ON service_users(user_id);

CREATE TABLE endpoints (
    id                  TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts(id),
    region_id           TEXT NOT NULL,
    name                TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    endpoint_type       TEXT NOT NULL,            -- Interface | GatewayLoadBalancer | Reverse
    vpc_id              TEXT NOT NULL,
    service_id          TEXT NOT NULL,
    service_name        TEXT NOT NULL,
    service_region_id   TEXT NOT NULL,
    address_ip_version  TEXT NOT NULL DEFAULT 'IPv4',
    zone_affinity       BOOLEAN NOT NULL DEFAULT FALSE,
    policy_document     TEXT,
    protected           BOOLEAN NOT NULL DEFAULT FALSE,
    private_dns_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    cross_region_bandwidth BIGINT,
    status              TEXT NOT NULL,            -- Creating | Active | Pending | Deleting
    due_at              BIGINT,
    business_status     TEXT NOT NULL DEFAULT 'Normal',
    domain              TEXT NOT NULL,
    resource_group_id   TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX endpoints_owner ON endpoints(account_id, region_id, id);
CREATE INDEX endpoints_service ON endpoints(service_id);
CREATE INDEX endpoints_vpc ON endpoints(vpc_id);
CREATE INDEX endpoints_due ON endpoints(due_at) WHERE due_at IS NOT NULL;

CREATE TABLE endpoint_security_groups (
    endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    sg_id       TEXT NOT NULL,
    status      TEXT NOT NULL,                  -- Attaching | Attached | Detaching
    due_at      BIGINT,
    PRIMARY KEY (endpoint_id, sg_id)
);
CREATE INDEX endpoint_security_groups_sg ON endpoint_security_groups(sg_id);

CREATE TABLE endpoint_zones (
    endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    zone_id     TEXT NOT NULL,
    vswitch_id  TEXT NOT NULL,
    eni_id      TEXT NOT NULL,
    ip          TEXT NOT NULL,
    ipv6        TEXT,
    domain      TEXT NOT NULL,
    status      TEXT NOT NULL,                  -- Creating | Wait | Connecting | Connected | Disconnecting | Disconnected | Deleting
    due_at      BIGINT,
    healthy     BOOLEAN NOT NULL DEFAULT TRUE,
    resource_id TEXT,                           -- serving service resource
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (endpoint_id, zone_id)
);
CREATE INDEX endpoint_zones_due ON endpoint_zones(due_at) WHERE due_at IS NOT NULL;
CREATE INDEX endpoint_zones_vswitch ON endpoint_zones(vswitch_id);

-- One connection per endpoint, seen by the consumer (endpoint owner) and the provider (service owner).
CREATE TABLE connections (
    endpoint_id          TEXT PRIMARY KEY REFERENCES endpoints(id) ON DELETE CASCADE,
    service_id           TEXT NOT NULL,
    endpoint_owner_id    TEXT NOT NULL,
    service_owner_id     TEXT NOT NULL,
    status               TEXT NOT NULL,          -- Pending | Connecting | Connected | Disconnecting | Disconnected | Deleting | ServiceDeleted
    due_at               BIGINT,
    bandwidth            BIGINT NOT NULL,
    traffic_control_mode TEXT NOT NULL DEFAULT 'Scalability',
    zone_max_override    BIGINT,                -- operator grant above the per-zone maximum
    locked_from          TEXT,                   -- status before an overdue payment disconnected it
    decided_by           TEXT,
    reason               TEXT,
    created_at           BIGINT NOT NULL,
    modified_at          BIGINT NOT NULL
);
CREATE INDEX connections_service ON connections(service_id, status, endpoint_id);
CREATE INDEX connections_due ON connections(due_at) WHERE due_at IS NOT NULL;

-- Zones the operator has taken down (fault injection): their ENIs leave DNS answers.
CREATE TABLE zone_faults (
    zone_id    TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- A consumer's request for more per-zone bandwidth than the maximum; an operator grants or denies it.
CREATE TABLE bandwidth_requests (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES endpoints(id) ON DELETE CASCADE,
    account_id  TEXT NOT NULL,
    mbps        BIGINT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'Pending',  -- Pending | Granted | Denied
    created_at  BIGINT NOT NULL,
    decided_at  BIGINT
);

-- VPCs allowed to resolve another VPC's custom service domains (connected and configured).
CREATE TABLE vpc_dns_links (
    vpc_id        TEXT NOT NULL REFERENCES vpcs(id) ON DELETE CASCADE,
    target_vpc_id TEXT NOT NULL REFERENCES vpcs(id) ON DELETE CASCADE,
    PRIMARY KEY (vpc_id, target_vpc_id)
);

CREATE TABLE gateway_endpoints (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    region_id   TEXT NOT NULL,
    vpc_id      TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    service_name TEXT NOT NULL,
    policy_document TEXT,
    prefix_cidr TEXT NOT NULL,
    status      TEXT NOT NULL,
    due_at      BIGINT,
    created_at  BIGINT NOT NULL
);

CREATE TABLE gateway_endpoint_route_tables (
    gateway_endpoint_id TEXT NOT NULL REFERENCES gateway_endpoints(id) ON DELETE CASCADE,
    route_table_id      TEXT NOT NULL,
    PRIMARY KEY (gateway_endpoint_id, route_table_id)
);

CREATE TABLE tags (
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    tag_key       TEXT NOT NULL,
    tag_value     TEXT NOT NULL,
    PRIMARY KEY (resource_id, tag_key)
);
CREATE INDEX tags_key ON tags(tag_key, tag_value);

CREATE TABLE audit_events (
    id          BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    source      TEXT NOT NULL,                  -- console | api | system
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    region_id   TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    before_json TEXT,
    after_json  TEXT,
    request_id  TEXT NOT NULL,
    audience    TEXT NOT NULL                   -- comma-separated account ids allowed to see it
);
CREATE INDEX audit_events_at ON audit_events(at);

CREATE TABLE idempotency (
    account_id TEXT NOT NULL,
    action     TEXT NOT NULL,
    token      TEXT NOT NULL,
    response   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, action, token)
);
