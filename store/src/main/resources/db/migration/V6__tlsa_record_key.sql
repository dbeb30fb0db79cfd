-- A TLSA record's data can be a whole certificate or key (matching type 0): longer than a btree
-- index entry may be (2,704 bytes), so PostgreSQL refused such rows. The key holds the data's
-- SHA-256 instead (issue 20).
ALTER TABLE tlsa_record DROP CONSTRAINT tlsa_record_pkey;
CREATE UNIQUE INDEX tlsa_record_key
    ON tlsa_record (scan_id, base, usage, selector, matching, sha256(decode(data, 'hex')));
