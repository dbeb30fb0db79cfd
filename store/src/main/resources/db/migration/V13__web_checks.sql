-- The web application (issue 25): a domain checked from its /check form can be kept as a scan of
-- one domain, so that it shows up in the domain's history. Such a scan is of kind 'check': the
-- survey's pages, its trends and the comparison with "the previous scan" read the scans of lists
-- only. The advice the check gave is kept with it, as the check printed it.

ALTER TABLE scan ADD COLUMN kind text NOT NULL DEFAULT 'list';  -- list (mxray scan), check (one domain, now)

CREATE TABLE domain_advice (
    scan_id  text    NOT NULL,
    domain   text    NOT NULL,
    ordinal  integer NOT NULL,            -- in the order the check gave it
    status   text    NOT NULL,            -- WARNING, CRITICAL, UNKNOWN
    key      text    NOT NULL,            -- stable key, e.g. tlsa-mismatch
    subject  text    NOT NULL,
    text     text    NOT NULL
) PARTITION BY LIST (scan_id);
ALTER TABLE domain_advice ADD PRIMARY KEY (scan_id, domain, ordinal);

CREATE OR REPLACE FUNCTION scan_partitioned_tables() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['rejected_input', 'domain_result', 'domain_mx', 'mx_host_result', 'mx_host_certificate', 'tlsa_record',
                 'domain_advice']
$$;

SELECT create_scan_partitions(scan_id) FROM scan;

-- a domain's history across scans (/domain/NAME) reads its rows in every scan's partition
CREATE INDEX domain_result_domain ON domain_result (domain);

-- each scan of a list against the scan of a list before it
CREATE OR REPLACE VIEW scan_changes AS
SELECT s.scan_id, s.previous_scan_id, d.*
FROM (SELECT scan_id, lag(scan_id) OVER (ORDER BY started_at, scan_id) AS previous_scan_id
      FROM scan WHERE kind = 'list') s
CROSS JOIN LATERAL scan_diff(s.previous_scan_id, s.scan_id) d
WHERE s.previous_scan_id IS NOT NULL;
