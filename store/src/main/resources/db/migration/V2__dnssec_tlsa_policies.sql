-- DNSSEC statuses, TLSA lookups and the MTA-STS / TLS-RPT records (issue 4).

ALTER TABLE domain_result
    ADD COLUMN mx_dnssec        text,      -- secure, insecure, bogus, indeterminate; null: not validated
    ADD COLUMN mx_dnssec_reason text,      -- RFC 8914 name when bogus, e.g. signature-expired
    ADD COLUMN mta_sts          text,      -- none, valid, malformed, multiple, lookup-failed
    ADD COLUMN mta_sts_id       text,
    ADD COLUMN mta_sts_reason   text,
    ADD COLUMN tls_rpt          text,
    ADD COLUMN tls_rpt_rua      text[],
    ADD COLUMN tls_rpt_reason   text,
    ADD COLUMN dns_lookups      integer;

ALTER TABLE domain_mx
    ADD COLUMN address_dnssec   text,
    ADD COLUMN tlsa_decision    text,      -- looked-up, looked-up-mx-insecure, skipped-address-insecure, ...
    ADD COLUMN tlsa_base        text,      -- the TLSA base domain (CNAME-expanded when secure)
    ADD COLUMN tlsa_outcome     text,      -- ok, nxdomain, nodata, servfail, timeout, error
    ADD COLUMN tlsa_dnssec      text,
    ADD COLUMN tlsa_usable      integer;   -- usable TLSA records (RFC 7672 3.1)

-- every TLSA record seen, per scan and base domain
CREATE TABLE tlsa_record (
    scan_id   text    NOT NULL,
    base      text    NOT NULL,
    usage     integer NOT NULL,
    selector  integer NOT NULL,
    matching  integer NOT NULL,
    data      text    NOT NULL,            -- lower-case hex
    usable    boolean NOT NULL,
    unusable_reason text,
    dnssec    text,
    PRIMARY KEY (scan_id, base, usage, selector, matching, data)
);

CREATE INDEX domain_result_mx_dnssec ON domain_result (scan_id, mx_dnssec);
