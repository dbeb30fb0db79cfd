-- MTA-STS end to end (RFC 8461): the policy fetched from https://mta-sts.<domain>/.well-known/mta-sts.txt,
-- what a sender that enforces it does with the domain's mail, and what a sender that enforces
-- both DANE and MTA-STS does (RFC 8461 section 2: DANE for the hosts with TLSA records, MTA-STS
-- for the others).

ALTER TABLE domain_result
    ADD COLUMN sts_policy_id       text,     -- the TXT record's id, when the record is valid
    ADD COLUMN sts_policy          text,     -- how the fetch ended: valid, failed, skipped; null when none was made
    ADD COLUMN sts_policy_reason   text,     -- policy-http-404, policy-tls-untrusted:self-signed, policy-syntax:..., ...
    ADD COLUMN sts_mode            text,     -- enforce, testing, none (a valid policy's)
    ADD COLUMN sts_mx              text[],   -- the policy's mx patterns
    ADD COLUMN sts_max_age         bigint,
    ADD COLUMN sts_delivery        text,     -- deliver, bounce, not-applicable, testing-would-fail
    ADD COLUMN sts_delivery_reason text,     -- txt-none, mode-none, a policy reason, no-mx-match, no-valid-tls
    ADD COLUMN delivery            text,     -- a sender enforcing DANE and MTA-STS: deliver, defer, bounce
    ADD COLUMN delivery_reason     text;
CREATE INDEX domain_result_sts ON domain_result (scan_id, sts_mode, sts_delivery);

ALTER TABLE domain_mx
    ADD COLUMN sts_match text,     -- match, no-match: does the policy name this MX host (null: no policy in force)
    ADD COLUMN sts_valid boolean;  -- TLS 1.2 or later with a web PKI chain for the MX host name
