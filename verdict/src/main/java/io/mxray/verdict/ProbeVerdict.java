package io.mxray.verdict;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneResult;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeResult;

/**
 * The part of a probe result a domain's verdict needs (the chain stays in the probe's own row).
 * The aggregator reads it straight from the JSON of {@code smtp-results}, so each field keeps the
 * name and JSON form of the {@link ProbeResult} field it comes from (AggregatorTopologyTest
 * compares both ways of getting it).
 */
public record ProbeVerdict(String probeKey, String ip, String mxHost, Level level, CertType certType,
                           ProbeOutcome outcome,
                           String reason, DaneResult dane, Level pkix) {
    public static ProbeVerdict of(ProbeResult r) {
        return new ProbeVerdict(r.probeKey(), r.ip(), r.mxHost(), r.level(), r.certType(), r.outcome(),
                r.reason(), r.dane(), r.pkix());
    }
}
