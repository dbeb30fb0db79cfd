package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * {@code mxray check}'s findings for one MX host address: the probe exactly as the pipeline
 * records it, and what a person needs besides.
 *
 * @param probe       the probe result (level, deciding check, DANE result, TLS session, chain)
 * @param pkixLevel   what web PKI alone says of the chain (for MTA-STS), or null without TLS
 * @param pkixReason  why PKIX did not verify it, or null
 * @param chain       the certificates the server sent, leaf first
 * @param tlsa        each TLSA record of the host against that chain (empty without records or TLS)
 * @param ignoredTlsa TLSA records found at the host's name although DANE does not apply there (its
 *                    addresses or the TLSA RRset are not DNSSEC-secure): senders ignore them
 */
public record CheckedAddress(ProbeResult probe, Level pkixLevel, String pkixReason, List<CertificateFacts> chain,
                             List<TlsaMatch> tlsa, List<String> ignoredTlsa) {
    public CheckedAddress {
        Objects.requireNonNull(probe, "probe");
        chain = chain == null ? List.of() : List.copyOf(chain);
        tlsa = tlsa == null ? List.of() : List.copyOf(tlsa);
        ignoredTlsa = ignoredTlsa == null ? List.of() : List.copyOf(ignoredTlsa);
    }
}
