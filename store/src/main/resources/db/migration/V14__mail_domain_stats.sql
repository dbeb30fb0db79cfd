-- The shares a report's history draws scan by scan (MX DNSSEC secure, STARTTLS on all MX, DANE on
-- all MX, each out of the mail domains) come from the running statistics, a few rows per scan,
-- instead of a pass over every scan's domain rows. The sink counts them batch by batch from now
-- on, as categories 'mail:finalized' and 'mail:<column>'; the scans already recorded get theirs
-- here, once.
INSERT INTO scan_stats (scan_id, category, value, domains, updated_at)
SELECT scan_id, 'mail:finalized', '', count(*), now() FROM mail_domain GROUP BY scan_id
UNION ALL
SELECT scan_id, 'mail:mx_dnssec', coalesce(mx_dnssec, '-'), count(*), now() FROM mail_domain GROUP BY scan_id, mx_dnssec
UNION ALL
SELECT scan_id, 'mail:starttls', coalesce(starttls, '-'), count(*), now() FROM mail_domain GROUP BY scan_id, starttls
UNION ALL
SELECT scan_id, 'mail:dane', coalesce(dane, '-'), count(*), now() FROM mail_domain GROUP BY scan_id, dane
ON CONFLICT (scan_id, category, value) DO NOTHING;
