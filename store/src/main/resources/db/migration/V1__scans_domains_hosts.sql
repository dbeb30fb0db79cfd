-- mxray's first schema: scans, their rejected input, per-domain and per-MX-host results.
-- Every table is keyed so that writing the same message twice changes nothing (idempotent upserts).
-- No foreign keys between result tables: the sink receives topics in any order.

CREATE TABLE scan (
    scan_id      text        PRIMARY KEY,
    source       text        NOT NULL,
    started_at   timestamptz NOT NULL,
    published_at timestamptz,            -- the scheduler read the whole list
    lines        bigint,
    accepted     bigint,                 -- distinct domains published
    rejected     bigint,
    duplicates   bigint,
    ignored      bigint                  -- blank lines, comments, CSV headers
);

CREATE TABLE rejected_input (
    scan_id text   NOT NULL,
    line_no bigint NOT NULL,
    line    text   NOT NULL,
    reason  text   NOT NULL,             -- stable key, e.g. name-too-long
    detail  text,
    PRIMARY KEY (scan_id, line_no)
);

CREATE TABLE domain_result (
    scan_id      text        NOT NULL,
    domain       text        NOT NULL,
    rank         bigint,
    dns_outcome  text        NOT NULL,   -- mx, implicit-mx, null-mx, nxdomain, ...
    dns_reason   text,
    mx_count     integer     NOT NULL,
    worst_level  text,                   -- null when the domain has no MX host address
    best_level   text,
    starttls     text        NOT NULL,   -- all, some, none, n/a
    finalized_at timestamptz NOT NULL,
    PRIMARY KEY (scan_id, domain)
);

-- one row per (domain, MX host, address); ip is '' for an MX host without a usable address
CREATE TABLE domain_mx (
    scan_id    text    NOT NULL,
    domain     text    NOT NULL,
    mx_host    text    NOT NULL,
    preference integer NOT NULL,
    ip         text    NOT NULL,
    level      text,
    cert_type  text,
    outcome    text    NOT NULL,
    reason     text,
    PRIMARY KEY (scan_id, domain, mx_host, ip)
);
CREATE INDEX domain_mx_host ON domain_mx (scan_id, mx_host, ip);

-- certificates are stored once, by the SHA-256 of their DER encoding
CREATE TABLE certificate (
    sha256     text        PRIMARY KEY,
    der        bytea       NOT NULL,
    subject    text        NOT NULL,
    issuer     text        NOT NULL,
    not_before timestamptz NOT NULL,
    not_after  timestamptz NOT NULL
);

-- one row per probe: (scan, IP, port, name to match); shared by every domain that points at it
CREATE TABLE mx_host_result (
    scan_id      text        NOT NULL,
    ip           text        NOT NULL,
    port         integer     NOT NULL,
    mx_host      text        NOT NULL,
    outcome      text        NOT NULL,
    reason       text,
    level        text,
    cert_type    text,
    decided_by   text,
    banner       text,
    ehlo         text[],
    tls_protocol text,
    tls_cipher   text,
    sni          text,
    chain        text[],                 -- certificate.sha256, leaf first
    connect_ms   bigint,
    banner_ms    bigint,
    ehlo_ms      bigint,
    starttls_ms  bigint,
    handshake_ms bigint,
    total_ms     bigint      NOT NULL,
    probed_at    timestamptz NOT NULL,
    PRIMARY KEY (scan_id, ip, port, mx_host)
);
