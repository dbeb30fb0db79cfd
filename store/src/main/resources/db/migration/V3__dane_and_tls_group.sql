-- DANE judgement of each probe and the TLS key exchange group (issue 5).

ALTER TABLE mx_host_result
    ADD COLUMN dane         text,      -- none, valid, mismatch, unusable-only, bogus; null: not contacted
    ADD COLUMN dane_check   text,      -- dane-ee or dane-ta: the kind of record that matched
    ADD COLUMN dane_matched text,      -- the record that matched, "usage selector matching data"
    ADD COLUMN dane_reason  text,      -- why none matched or why DANE does not apply
    ADD COLUMN tls_group    text,      -- key exchange group, e.g. x25519, secp256r1, dhe-1024
    ADD COLUMN tls_legacy   text;      -- why a modern client would refuse the session, e.g. protocol-tlsv1

ALTER TABLE domain_mx
    ADD COLUMN dane         text,
    ADD COLUMN dane_check   text,
    ADD COLUMN dane_matched text,
    ADD COLUMN dane_reason  text;

CREATE INDEX domain_mx_dane ON domain_mx (scan_id, dane);
