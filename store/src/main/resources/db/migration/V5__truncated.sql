-- What a server or a zone sent more of than mxray keeps (schema Bounds: banner lines, EHLO keywords,
-- TLSA records, policy TXT records): named where it was cut, never cut silently (issue 20).
ALTER TABLE mx_host_result ADD COLUMN truncated text[];  -- banner, ehlo
ALTER TABLE domain_result ADD COLUMN truncated text[];   -- tlsa:<mx host>, mta-sts-txt, tls-rpt-txt
