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
                           String reason, DaneResult dane, Level pkix, Tls tls) {
    public static ProbeVerdict of(ProbeResult r) {
        return new ProbeVerdict(r.probeKey(), r.ip(), r.mxHost(), r.level(), r.certType(), r.outcome(),
                r.reason(), r.dane(), r.pkix(), r.tls() == null ? null : new Tls(r.tls().protocol()));
    }

    /** Of the TLS session, what a verdict needs: its version (the chain stays unread). */
    public record Tls(String protocol) {
    }

    /**
     * RFC 8461 section 4.2: what an MTA-STS sender asks of the host. TLS 1.2 or later, and a chain
     * the web PKI validates for the MX host name.
     */
    public boolean satisfiesMtaSts() {
        return pkix == Level.VERIFIED && tls != null
                && ("TLSv1.2".equals(tls.protocol()) || "TLSv1.3".equals(tls.protocol()));
    }
}
