-- Shared-chain inference (issue 24): a probe result judged against the chains another name's probe
-- of the same address captured, without a connection of its own, names that probe here (its
-- probe key); null for a probe made. Such a result has no timings (total_ms 0).
ALTER TABLE mx_host_result ADD COLUMN shared_chain_of text;
