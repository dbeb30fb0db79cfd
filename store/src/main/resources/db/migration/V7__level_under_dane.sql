-- The level under DANE (issue 21; SPEC, Verdicts): where DANE applies to a host (a usable record in
-- a DNSSEC-secure TLSA RRset) the level is DANE's alone, as a DANE sender never falls back to the
-- web PKI for it (RFC 7672 section 2.2). A PKIX-valid certificate that no usable record matches
-- (DANE 'mismatch') is 'untrusted', no longer 'verified' or 'trusted'. The web PKI's own judgement
-- is kept beside the level, in column pkix.
--
-- Rows of past scans are re-derived here, so that a level means the same in every scan and
-- scan_diff compares like with like. Nothing is lost: the old level of a re-derived row moves to
-- pkix. The web PKI's judgement of a chain that DANE authenticated while the web PKI did not
-- (cert_type 'dane-only') was never stored (trusted and untrusted look alike): pkix stays NULL there.

ALTER TABLE mx_host_result ADD COLUMN pkix text;  -- verified, trusted, untrusted; null without TLS
ALTER TABLE domain_mx ADD COLUMN pkix text;

-- the web PKI's judgement where it decided the level, or was overruled only by a DANE match
UPDATE mx_host_result SET pkix = CASE
        WHEN dane = 'valid' AND cert_type = 'dane-only' THEN NULL
        WHEN dane = 'valid' THEN 'verified'
        ELSE level END
    WHERE outcome = 'tls-established' AND level IN ('verified', 'trusted', 'untrusted');
UPDATE domain_mx SET pkix = CASE
        WHEN dane = 'valid' AND cert_type = 'dane-only' THEN NULL
        WHEN dane = 'valid' THEN 'verified'
        ELSE level END
    WHERE outcome = 'tls-established' AND level IN ('verified', 'trusted', 'untrusted');

-- DANE applies and no usable record matched: the level is 'untrusted', decided by DANE
UPDATE mx_host_result SET level = 'untrusted', decided_by = 'dane', reason = dane_reason
    WHERE outcome = 'tls-established' AND dane = 'mismatch' AND level IN ('verified', 'trusted');

CREATE TEMPORARY TABLE rederived ON COMMIT DROP AS
    SELECT DISTINCT scan_id, domain FROM domain_mx
    WHERE outcome = 'tls-established' AND dane = 'mismatch' AND level IN ('verified', 'trusted');

UPDATE domain_mx SET level = 'untrusted', reason = dane_reason
    WHERE outcome = 'tls-established' AND dane = 'mismatch' AND level IN ('verified', 'trusted');

-- the worst and best level of each domain that had such a row (ranks as in schema Level)
UPDATE domain_result d SET worst_level = l.worst, best_level = l.best
FROM (SELECT m.scan_id, m.domain,
             (array_agg(m.level ORDER BY array_position(ARRAY['unreachable', 'tls-failed', 'plaintext', 'untrusted',
                 'trusted', 'verified'], m.level)))[1] AS worst,
             (array_agg(m.level ORDER BY array_position(ARRAY['unreachable', 'tls-failed', 'plaintext', 'untrusted',
                 'trusted', 'verified'], m.level) DESC))[1] AS best
      FROM domain_mx m JOIN rederived r ON r.scan_id = m.scan_id AND r.domain = m.domain
      WHERE m.level IS NOT NULL
      GROUP BY m.scan_id, m.domain) l
WHERE d.scan_id = l.scan_id AND d.domain = l.domain;

-- the running statistics of the levels of those scans, counted again
DELETE FROM scan_stats s USING (SELECT DISTINCT scan_id FROM rederived) r
    WHERE s.scan_id = r.scan_id AND s.category IN ('worst_level', 'best_level');
INSERT INTO scan_stats (scan_id, category, value, domains, updated_at)
SELECT d.scan_id, 'worst_level', coalesce(d.worst_level, '-'), count(*), now()
FROM domain_result d WHERE d.scan_id IN (SELECT scan_id FROM rederived) GROUP BY d.scan_id, d.worst_level
UNION ALL
SELECT d.scan_id, 'best_level', coalesce(d.best_level, '-'), count(*), now()
FROM domain_result d WHERE d.scan_id IN (SELECT scan_id FROM rederived) GROUP BY d.scan_id, d.best_level;
