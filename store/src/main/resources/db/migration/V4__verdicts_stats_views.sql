-- Per-domain DANE verdicts, running statistics per scan, and the views that answer the questions
-- people ask of a scan (issue 6). Views take every scan; filter by scan_id.

ALTER TABLE domain_result
    ADD COLUMN dane                 text,   -- all, some, none, n/a: MX host addresses that are DANE-valid
    ADD COLUMN dane_delivery        text,   -- deliver, defer, bounce: what a DANE-enforcing sender does
    ADD COLUMN dane_delivery_reason text,   -- why not: mx-bogus, tlsa-bogus, dane-mismatch, unreachable, ...
    ADD COLUMN missing_probes       text[]; -- finalized without these probe results (its wait ran out)

-- for the views below: every one filters on scan_id first
CREATE INDEX domain_result_dane ON domain_result (scan_id, dane_delivery);
CREATE INDEX domain_result_dane_coverage ON domain_result (scan_id, dane);
CREATE INDEX domain_result_starttls ON domain_result (scan_id, starttls);
CREATE INDEX domain_mx_cert_type ON domain_mx (scan_id, cert_type);
CREATE INDEX certificate_not_after ON certificate (not_after);

-- counts per category of the domains finalized so far, rewritten while a scan runs
CREATE TABLE scan_stats (
    scan_id    text        NOT NULL,
    category   text        NOT NULL,        -- finalized, dns_outcome, mx_dnssec, starttls, best_level, ...
    value      text        NOT NULL,        -- the category's value; '' for finalized
    domains    bigint      NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (scan_id, category, value)
);

-- domains with at least one MX host (null MX, NXDOMAIN and DNS failures left out)
CREATE VIEW mail_domain AS
SELECT * FROM domain_result WHERE dns_outcome IN ('mx', 'implicit-mx');

-- the share of mail domains whose MX answer is DNSSEC-secure (and the other statuses)
CREATE VIEW mx_dnssec_share AS
SELECT scan_id, coalesce(mx_dnssec, 'unvalidated') AS mx_dnssec, count(*) AS domains,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY scan_id), 2) AS percent
FROM mail_domain GROUP BY scan_id, 2;

-- STARTTLS support: on all, some or none of a mail domain's reachable MX host addresses
CREATE VIEW starttls_support AS
SELECT scan_id, starttls, count(*) AS domains,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY scan_id), 2) AS percent
FROM mail_domain GROUP BY scan_id, starttls;

-- certificate types over the MX host addresses of every mail domain (a shared host counts per domain)
CREATE VIEW certificate_types AS
SELECT m.scan_id, m.cert_type, count(*) AS addresses,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY m.scan_id), 2) AS percent
FROM domain_mx m WHERE m.cert_type IS NOT NULL GROUP BY m.scan_id, m.cert_type;

-- DANE status per domain: all, some or none of its probed MX host addresses DANE-valid
CREATE VIEW dane_coverage AS
SELECT scan_id, dane, count(*) AS domains,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY scan_id), 2) AS percent
FROM mail_domain WHERE dane IS NOT NULL GROUP BY scan_id, dane;

-- the DANE hall of fame: domains whose every MX host address is DANE-verified
CREATE VIEW dane_hall_of_fame AS
SELECT d.scan_id, d.domain, d.rank, d.mx_dnssec,
       (SELECT string_agg(DISTINCT m.mx_host, ' ' ORDER BY m.mx_host) FROM domain_mx m
        WHERE m.scan_id = d.scan_id AND m.domain = d.domain) AS mx_hosts
FROM domain_result d WHERE d.dane = 'all';

-- domains a DANE-enforcing sender cannot deliver to now (it defers the mail), and why
CREATE VIEW dane_undeliverable AS
SELECT scan_id, domain, rank, dane_delivery_reason AS reason, mx_dnssec, mx_dnssec_reason, worst_level, best_level
FROM domain_result WHERE dane_delivery = 'defer';

-- leaf certificates of the scan's MX hosts that expire within 30 days of the scan's start
CREATE VIEW certificates_expiring AS
SELECT h.scan_id, c.sha256, c.subject, c.not_after, h.mx_host, h.ip,
       (SELECT count(DISTINCT m.domain) FROM domain_mx m
        WHERE m.scan_id = h.scan_id AND m.mx_host = h.mx_host AND m.ip = h.ip) AS domains
FROM mx_host_result h
JOIN scan s ON s.scan_id = h.scan_id
JOIN certificate c ON c.sha256 = h.chain[1]
WHERE c.not_after >= s.started_at AND c.not_after < s.started_at + interval '30 days';

-- the properties compared between two scans of a domain
CREATE VIEW domain_properties AS
SELECT scan_id, domain,
       starttls IN ('all', 'some') AS starttls,
       dane = 'all' AS dane,
       worst_level IN ('verified', 'trusted') AS valid_certificate,
       mx_dnssec = 'secure' AS dnssec
FROM domain_result;

-- what changed per domain between two scans: one row per (domain, property) that differs;
-- property 'scanned' when the domain is in only one of them
CREATE FUNCTION scan_diff(old_scan text, new_scan text)
RETURNS TABLE (domain text, property text, before boolean, after boolean)
LANGUAGE sql STABLE AS $$
    SELECT coalesce(n.domain, o.domain), p.property, p.before, p.after
    FROM (SELECT * FROM domain_properties WHERE scan_id = old_scan) o
    FULL JOIN (SELECT * FROM domain_properties WHERE scan_id = new_scan) n ON n.domain = o.domain
    CROSS JOIN LATERAL (VALUES
        ('scanned', o.domain IS NOT NULL, n.domain IS NOT NULL),
        ('starttls', o.starttls, n.starttls),
        ('dane', o.dane, n.dane),
        ('valid_certificate', o.valid_certificate, n.valid_certificate),
        ('dnssec', o.dnssec, n.dnssec)) AS p(property, before, after)
    WHERE (p.property = 'scanned' AND p.before IS DISTINCT FROM p.after)
       OR (o.domain IS NOT NULL AND n.domain IS NOT NULL AND p.before IS DISTINCT FROM p.after)
    ORDER BY 1, 2
$$;

-- each scan against the scan before it (by start time)
CREATE VIEW scan_changes AS
SELECT s.scan_id, s.previous_scan_id, d.*
FROM (SELECT scan_id, lag(scan_id) OVER (ORDER BY started_at, scan_id) AS previous_scan_id FROM scan) s
CROSS JOIN LATERAL scan_diff(s.previous_scan_id, s.scan_id) d
WHERE s.previous_scan_id IS NOT NULL;
