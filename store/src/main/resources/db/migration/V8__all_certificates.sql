-- Every certificate a server presents, and the TLS versions it accepts (issue 21): a server may hold an ECDSA and an RSA key and
-- presents the one the client's signature algorithms ask for. A probe's second handshake asks for
-- the other key type; each chain is judged on its own, and where DANE applies the host records how
-- many of them a usable TLSA record matches. A TLSA RRset that covers only one key of a dual-key
-- server ('partial') makes the senders that get the other key refuse the host.

ALTER TABLE mx_host_result
    ADD COLUMN dane_all_certificates    text,  -- match, partial, none; null where DANE does not apply
    ADD COLUMN second_handshake         text,  -- a probe outcome: tls-established, handshake-failed, skipped, ...
    ADD COLUMN second_handshake_offered text,  -- the key type it asked for: rsa, ecdsa
    ADD COLUMN second_handshake_reason  text;  -- why it failed or was skipped

-- which TLS versions the server accepts (measured with --tls-versions; null when not measured)
ALTER TABLE mx_host_result
    ADD COLUMN tls_accepted text[],  -- TLSv1.3, TLSv1.2, TLSv1.1, TLSv1: completed a handshake
    ADD COLUMN tls_refused  text[];  -- refused (versions whose attempt ended before the handshake are in neither)

ALTER TABLE domain_mx ADD COLUMN dane_all_certificates text;
-- the worst over the domain's MX host addresses where DANE applies (none, partial, match)
ALTER TABLE domain_result ADD COLUMN dane_all_certificates text;
CREATE INDEX domain_result_dane_all_certificates ON domain_result (scan_id, dane_all_certificates);

-- one row per certificate chain a probe got, the first handshake's and the second's
CREATE TABLE mx_host_certificate (
    scan_id      text    NOT NULL,
    ip           text    NOT NULL,
    port         integer NOT NULL,
    mx_host      text    NOT NULL,
    key_type     text    NOT NULL,  -- ecdsa, rsa, eddsa, dsa, other
    protocol     text,              -- of the handshake that got it
    chain        text[]  NOT NULL,  -- certificate.sha256, leaf first
    pkix         text,              -- verified, trusted, untrusted for the MX host name
    cert_type    text,
    dane         text,              -- this chain against the host's TLSA records
    dane_check   text,
    dane_matched text,
    dane_reason  text,
    PRIMARY KEY (scan_id, ip, port, mx_host, key_type)
);

-- MX hosts where DANE applies and a usable TLSA record matches some of the certificates the server
-- presents but not all: which key types are covered and which are not
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
