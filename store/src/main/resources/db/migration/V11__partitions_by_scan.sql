-- Result tables partitioned by scan (issue 24): every row of a scan lives in that scan's own
-- partition of each table, so dropping a scan is dropping its partitions (O(1), no dead tuples and
-- no vacuum of the tables other scans use), and a query of one scan reads only that scan's rows.
--
-- A scan's partitions are made before its first row is written (create_scan_partitions, called by
-- the writer once per scan it sees); there is no default partition: a row of a scan without
-- partitions is refused, never parked where dropping its scan would have to search for it.
-- Certificates are shared by every scan (stored once by their SHA-256) and stay; the scan's row and
-- its statistics are deleted by drop_scan with its partitions.

-- the partition of table `tbl` that holds scan `scan`: a name PostgreSQL accepts whatever the scan id
CREATE FUNCTION scan_partition_name(tbl text, scan text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT tbl || '_' || substr(md5(scan), 1, 16) $$;

-- the tables partitioned by scan
CREATE FUNCTION scan_partitioned_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['rejected_input', 'domain_result', 'domain_mx', 'mx_host_result', 'mx_host_certificate', 'tlsa_record']
$$;

-- makes the scan's partition of every partitioned table that lacks one; safe to call again and from
-- several writers at once (they take turns)
CREATE FUNCTION create_scan_partitions(scan text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('mxray.create_scan_partitions'));
    FOREACH t IN ARRAY scan_partitioned_tables() LOOP
        IF to_regclass(quote_ident(scan_partition_name(t, scan))) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%L)', scan_partition_name(t, scan), t, scan);
        END IF;
    END LOOP;
END $$;

-- drops a scan: its partitions, its statistics and its row; returns how many partitions it dropped
CREATE FUNCTION drop_scan(dropped text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    t text;
    partitions integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('mxray.create_scan_partitions'));
    FOREACH t IN ARRAY scan_partitioned_tables() LOOP
        IF to_regclass(quote_ident(scan_partition_name(t, dropped))) IS NOT NULL THEN
            EXECUTE format('DROP TABLE %I', scan_partition_name(t, dropped));
            partitions := partitions + 1;
        END IF;
    END LOOP;
    DELETE FROM scan_stats WHERE scan_id = dropped;
    DELETE FROM scan WHERE scan_id = dropped;
    RETURN partitions;
END $$;

-- the views read the tables being replaced: they are made again below, unchanged
DROP VIEW scan_changes, domain_properties, dane_partial_keys, certificates_expiring, dane_undeliverable,
    dane_hall_of_fame, dane_coverage, certificate_types, starttls_support, mx_dnssec_share, mail_domain,
    mta_sts_undeliverable;

-- each table again, partitioned, with the same columns, defaults and NOT NULLs
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY scan_partitioned_tables() LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_unpartitioned');
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY LIST (scan_id)',
                       t, t || '_unpartitioned');
    END LOOP;
END $$;

-- a partition for every scan that has a row anywhere, then the rows
SELECT create_scan_partitions(scan_id) FROM (
    SELECT scan_id FROM scan
    UNION SELECT scan_id FROM rejected_input_unpartitioned
    UNION SELECT scan_id FROM domain_result_unpartitioned
    UNION SELECT scan_id FROM domain_mx_unpartitioned
    UNION SELECT scan_id FROM mx_host_result_unpartitioned
    UNION SELECT scan_id FROM mx_host_certificate_unpartitioned
    UNION SELECT scan_id FROM tlsa_record_unpartitioned) s;

INSERT INTO rejected_input SELECT * FROM rejected_input_unpartitioned;
INSERT INTO domain_result SELECT * FROM domain_result_unpartitioned;
INSERT INTO domain_mx SELECT * FROM domain_mx_unpartitioned;
INSERT INTO mx_host_result SELECT * FROM mx_host_result_unpartitioned;
INSERT INTO mx_host_certificate SELECT * FROM mx_host_certificate_unpartitioned;
INSERT INTO tlsa_record SELECT * FROM tlsa_record_unpartitioned;

DROP TABLE rejected_input_unpartitioned, domain_result_unpartitioned, domain_mx_unpartitioned,
    mx_host_result_unpartitioned, mx_host_certificate_unpartitioned, tlsa_record_unpartitioned;

-- the keys and indexes, as before (an index on the parent is made on every partition, now and later)
ALTER TABLE rejected_input ADD PRIMARY KEY (scan_id, line_no);
ALTER TABLE domain_result ADD PRIMARY KEY (scan_id, domain);
ALTER TABLE domain_mx ADD PRIMARY KEY (scan_id, domain, mx_host, ip);
ALTER TABLE mx_host_result ADD PRIMARY KEY (scan_id, ip, port, mx_host);
ALTER TABLE mx_host_certificate ADD PRIMARY KEY (scan_id, ip, port, mx_host, key_type);
CREATE UNIQUE INDEX tlsa_record_key
    ON tlsa_record (scan_id, base, usage, selector, matching, sha256(decode(data, 'hex')));
CREATE INDEX domain_mx_host ON domain_mx (scan_id, mx_host, ip);
CREATE INDEX domain_mx_cert_type ON domain_mx (scan_id, cert_type);
CREATE INDEX domain_mx_dane ON domain_mx (scan_id, dane);
CREATE INDEX domain_result_mx_dnssec ON domain_result (scan_id, mx_dnssec);
CREATE INDEX domain_result_dane ON domain_result (scan_id, dane_delivery);
CREATE INDEX domain_result_dane_coverage ON domain_result (scan_id, dane);
CREATE INDEX domain_result_starttls ON domain_result (scan_id, starttls);
CREATE INDEX domain_result_dane_all_certificates ON domain_result (scan_id, dane_all_certificates);
CREATE INDEX domain_result_sts ON domain_result (scan_id, sts_mode, sts_delivery);

-- the views, as V4, V8 and V10 made them
CREATE VIEW mail_domain AS
SELECT * FROM domain_result WHERE dns_outcome IN ('mx', 'implicit-mx');

CREATE VIEW mx_dnssec_share AS
SELECT scan_id, coalesce(mx_dnssec, 'unvalidated') AS mx_dnssec, count(*) AS domains,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY scan_id), 2) AS percent
FROM mail_domain GROUP BY scan_id, 2;

CREATE VIEW starttls_support AS
SELECT scan_id, starttls, count(*) AS domains,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY scan_id), 2) AS percent
FROM mail_domain GROUP BY scan_id, starttls;

CREATE VIEW certificate_types AS
SELECT m.scan_id, m.cert_type, count(*) AS addresses,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY m.scan_id), 2) AS percent
FROM domain_mx m WHERE m.cert_type IS NOT NULL GROUP BY m.scan_id, m.cert_type;

CREATE VIEW dane_coverage AS
SELECT scan_id, dane, count(*) AS domains,
       round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY scan_id), 2) AS percent
FROM mail_domain WHERE dane IS NOT NULL GROUP BY scan_id, dane;

CREATE VIEW dane_hall_of_fame AS
SELECT d.scan_id, d.domain, d.rank, d.mx_dnssec,
       (SELECT string_agg(DISTINCT m.mx_host, ' ' ORDER BY m.mx_host) FROM domain_mx m
        WHERE m.scan_id = d.scan_id AND m.domain = d.domain) AS mx_hosts
FROM domain_result d WHERE d.dane = 'all';

CREATE VIEW dane_undeliverable AS
SELECT scan_id, domain, rank, dane_delivery_reason AS reason, mx_dnssec, mx_dnssec_reason, worst_level, best_level
FROM domain_result WHERE dane_delivery = 'defer';

CREATE VIEW certificates_expiring AS
SELECT h.scan_id, c.sha256, c.subject, c.not_after, h.mx_host, h.ip,
       (SELECT count(DISTINCT m.domain) FROM domain_mx m
        WHERE m.scan_id = h.scan_id AND m.mx_host = h.mx_host AND m.ip = h.ip) AS domains
FROM mx_host_result h
JOIN scan s ON s.scan_id = h.scan_id
JOIN certificate c ON c.sha256 = h.chain[1]
WHERE c.not_after >= s.started_at AND c.not_after < s.started_at + interval '30 days';

CREATE VIEW domain_properties AS
SELECT scan_id, domain,
       starttls IN ('all', 'some') AS starttls,
       dane = 'all' AS dane,
       worst_level IN ('verified', 'trusted') AS valid_certificate,
       mx_dnssec = 'secure' AS dnssec,
       CASE WHEN sts_delivery IS NULL THEN NULL ELSE coalesce(sts_mode = 'enforce', false) END AS mta_sts_enforce
FROM domain_result;

CREATE VIEW scan_changes AS
SELECT s.scan_id, s.previous_scan_id, d.*
FROM (SELECT scan_id, lag(scan_id) OVER (ORDER BY started_at, scan_id) AS previous_scan_id FROM scan) s
CROSS JOIN LATERAL scan_diff(s.previous_scan_id, s.scan_id) d
WHERE s.previous_scan_id IS NOT NULL;

CREATE VIEW dane_partial_keys AS
SELECT h.scan_id, h.mx_host, h.ip,
       (SELECT string_agg(c.key_type, ' ' ORDER BY c.key_type) FROM mx_host_certificate c
        WHERE c.scan_id = h.scan_id AND c.ip = h.ip AND c.port = h.port AND c.mx_host = h.mx_host
          AND c.dane = 'valid') AS matched,
       (SELECT string_agg(c.key_type, ' ' ORDER BY c.key_type) FROM mx_host_certificate c
        WHERE c.scan_id = h.scan_id AND c.ip = h.ip AND c.port = h.port AND c.mx_host = h.mx_host
          AND c.dane IS DISTINCT FROM 'valid') AS not_matched,
       (SELECT count(DISTINCT m.domain) FROM domain_mx m
        WHERE m.scan_id = h.scan_id AND m.mx_host = h.mx_host AND m.ip = h.ip) AS domains
FROM mx_host_result h
WHERE h.dane_all_certificates = 'partial';

CREATE VIEW mta_sts_undeliverable AS
SELECT scan_id, domain, sts_delivery_reason AS reason, array_to_string(sts_mx, ' ') AS mx_patterns
FROM domain_result
WHERE sts_delivery = 'bounce';
