package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of one probe: the outcome (closed set) apart from whatever was gathered before it
 * ended, and the verdict. Exactly one per probe request. Topic key: the probe key.
 *
 * @param reason      stable key detailing the outcome (for example a TLS alert), or null
 * @param level       the level of the SPEC, or null when the host was not contacted
 * @param certType    the certificate type, or null without TLS
 * @param pkix        what the web PKI alone says of the chain for the MX host name ({@code verified},
 *                    {@code trusted}, {@code untrusted}), or null without TLS; equal to the level
 *                    unless DANE applies (SPEC, Verdicts: then the level is DANE's alone)
 * @param decidedBy   which check decided the level (for example {@code pkix}, {@code dane-ee}, {@code starttls})
 * @param dane        what DANE says (against the TLSA records of the request), or null when the host
 *                    was not contacted
 * @param banner      the greeting lines, or empty
 * @param ehlo        the EHLO keywords offered (upper case), before STARTTLS
 * @param truncated   what the server sent more of than {@link Bounds} keeps ({@code banner}, {@code ehlo}),
 *                    or null when nothing was cut
 * @param certificates every certificate chain the server presented (the first handshake's first, then the
 *                    second's when it presented another key type), each judged; empty without TLS
 * @param secondHandshake the handshake that asked for the other key type, or null when TLS was never
 *                    attempted (no STARTTLS)
 * @param tlsVersions which TLS versions the server accepts, newest first ({@code TLSv1.3} ... {@code TLSv1}):
 *                    {@code accepted}, {@code refused}, or what ended the attempt (see {@link TlsVersionResult});
 *                    empty when not measured
 * @param sharedChainOf the probe key of the probe this result was inferred from, without a connection of its
 *                    own: the server at this address presents the same chain and TLS parameters whatever name
 *                    a client asks for by SNI, so the chain captured for another name is judged for this one
 *                    (its name, its TLSA records); null for a probe made
 */
public record ProbeResult(String scanId, String probeKey, String ip, int port, String mxHost,
                          ProbeOutcome outcome, String reason, Level level, CertType certType, Level pkix,
                          String decidedBy, DaneResult dane, List<String> banner, List<String> ehlo, TlsSession tls,
                          Timings timings, Instant probedAt, List<String> truncated,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PresentedCertificate> certificates,
                          SecondHandshake secondHandshake,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> tlsVersions,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String sharedChainOf) {
    public ProbeResult {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(probeKey, "probeKey");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mxHost, "mxHost");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(probedAt, "probedAt");
        banner = banner == null ? List.of() : List.copyOf(banner);
        ehlo = ehlo == null ? List.of() : List.copyOf(ehlo);
        truncated = truncated == null || truncated.isEmpty() ? null : List.copyOf(truncated);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        tlsVersions = tlsVersions == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(tlsVersions));
    }

    /** A probe made (not inferred from another's chain). */
    public ProbeResult(String scanId, String probeKey, String ip, int port, String mxHost, ProbeOutcome outcome,
                       String reason, Level level, CertType certType, Level pkix, String decidedBy, DaneResult dane,
                       List<String> banner, List<String> ehlo, TlsSession tls, Timings timings, Instant probedAt,
                       List<String> truncated, List<PresentedCertificate> certificates,
                       SecondHandshake secondHandshake, Map<String, String> tlsVersions) {
        this(scanId, probeKey, ip, port, mxHost, outcome, reason, level, certType, pkix, decidedBy, dane, banner, ehlo,
                tls, timings, probedAt, truncated, certificates, secondHandshake, tlsVersions, null);
    }

    /** This result, marked as inferred from the probe {@code source} (see {@code sharedChainOf}). */
    public ProbeResult inferredFrom(String source) {
        return new ProbeResult(scanId, probeKey, ip, port, mxHost, outcome, reason, level, certType, pkix, decidedBy,
                dane, banner, ehlo, tls, timings, probedAt, truncated, certificates, secondHandshake, tlsVersions,
                source);
    }

    /** Without TLS versions measured. */
    public ProbeResult(String scanId, String probeKey, String ip, int port, String mxHost, ProbeOutcome outcome,
                       String reason, Level level, CertType certType, Level pkix, String decidedBy, DaneResult dane,
                       List<String> banner, List<String> ehlo, TlsSession tls, Timings timings, Instant probedAt,
                       List<String> truncated, List<PresentedCertificate> certificates,
                       SecondHandshake secondHandshake) {
        this(scanId, probeKey, ip, port, mxHost, outcome, reason, level, certType, pkix, decidedBy, dane, banner, ehlo,
                tls, timings, probedAt, truncated, certificates, secondHandshake, null);
    }

    /** With one certificate at most (tests, results of older versions). */
    public ProbeResult(String scanId, String probeKey, String ip, int port, String mxHost, ProbeOutcome outcome,
                       String reason, Level level, CertType certType, Level pkix, String decidedBy, DaneResult dane,
                       List<String> banner, List<String> ehlo, TlsSession tls, Timings timings, Instant probedAt,
                       List<String> truncated) {
        this(scanId, probeKey, ip, port, mxHost, outcome, reason, level, certType, pkix, decidedBy, dane, banner, ehlo,
                tls, timings, probedAt, truncated, null, null, null);
    }

    /** Without a separate PKIX judgement (tests, results of older versions). */
    public ProbeResult(String scanId, String probeKey, String ip, int port, String mxHost, ProbeOutcome outcome,
                       String reason, Level level, CertType certType, String decidedBy, DaneResult dane,
                       List<String> banner, List<String> ehlo, TlsSession tls, Timings timings, Instant probedAt,
                       List<String> truncated) {
        this(scanId, probeKey, ip, port, mxHost, outcome, reason, level, certType, null, decidedBy, dane, banner, ehlo,
                tls, timings, probedAt, truncated);
    }

    /** Nothing cut. */
    public ProbeResult(String scanId, String probeKey, String ip, int port, String mxHost, ProbeOutcome outcome,
                       String reason, Level level, CertType certType, String decidedBy, DaneResult dane,
                       List<String> banner, List<String> ehlo, TlsSession tls, Timings timings, Instant probedAt) {
        this(scanId, probeKey, ip, port, mxHost, outcome, reason, level, certType, null, decidedBy, dane, banner, ehlo,
                tls, timings, probedAt, null);
    }
}
