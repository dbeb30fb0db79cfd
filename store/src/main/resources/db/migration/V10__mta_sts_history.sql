-- MTA-STS over history: whether a domain enforces a policy is compared between scans like the
-- other properties (null for scans made before mxray fetched policies: never a change), and a
-- new policy (its id or its mode) is listed by mta_sts_changes.

CREATE OR REPLACE VIEW domain_properties AS
SELECT scan_id, domain,
       starttls IN ('all', 'some') AS starttls,
       dane = 'all' AS dane,
       worst_level IN ('verified', 'trusted') AS valid_certificate,
       mx_dnssec = 'secure' AS dnssec,
       CASE WHEN sts_delivery IS NULL THEN NULL ELSE coalesce(sts_mode = 'enforce', false) END AS mta_sts_enforce
FROM domain_result;

CREATE OR REPLACE FUNCTION scan_diff(old_scan text, new_scan text)
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
        ('dnssec', o.dnssec, n.dnssec),
        ('mta_sts_enforce', o.mta_sts_enforce, n.mta_sts_enforce)) AS p(property, before, after)
    WHERE (p.property = 'scanned' AND p.before IS DISTINCT FROM p.after)
       OR (o.domain IS NOT NULL AND n.domain IS NOT NULL AND p.before IS DISTINCT FROM p.after
           AND (p.property <> 'mta_sts_enforce' OR (p.before IS NOT NULL AND p.after IS NOT NULL)))
    ORDER BY 1, 2
$$;

-- domains whose MTA-STS policy changed between two scans: another id in the TXT record, or
-- another mode (a policy published, withdrawn, switched between testing and enforce)
CREATE FUNCTION mta_sts_changes(old_scan text, new_scan text)
RETURNS TABLE (domain text, before_id text, after_id text, before_mode text, after_mode text)
LANGUAGE sql STABLE AS $$
    SELECT n.domain, o.sts_policy_id, n.sts_policy_id, o.sts_mode, n.sts_mode
    FROM domain_result o JOIN domain_result n ON n.domain = o.domain
    WHERE o.scan_id = old_scan AND n.scan_id = new_scan
      AND o.sts_delivery IS NOT NULL AND n.sts_delivery IS NOT NULL
      AND (o.sts_policy_id IS DISTINCT FROM n.sts_policy_id OR o.sts_mode IS DISTINCT FROM n.sts_mode)
    ORDER BY 1
$$;

-- the domains an MTA-STS sender in enforce mode does not deliver to, with why
CREATE VIEW mta_sts_undeliverable AS
SELECT scan_id, domain, sts_delivery_reason AS reason, array_to_string(sts_mx, ' ') AS mx_patterns
FROM domain_result
WHERE sts_delivery = 'bounce';
