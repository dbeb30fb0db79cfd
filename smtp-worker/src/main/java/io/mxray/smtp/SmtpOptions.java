package io.mxray.smtp;

import io.mxray.runtime.ReachOptions;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The SMTP stage's flags, shared by its process and by the in-JVM pipeline. */
public final class SmtpOptions {
    @Mixin
    public ReachOptions reach = new ReachOptions();

    @Option(names = "--ca-file", paramLabel = "PEM", defaultValue = "${env:MXRAY_CA_FILE}",
            description = "CA bundle (PEM) for the PKIX judgement (env MXRAY_CA_FILE; default: the JDK's CAs).")
    public Path caFile;

    @Option(names = "--ehlo-name", paramLabel = "NAME", defaultValue = "${env:MXRAY_EHLO_NAME:-" + SmtpConfig.EHLO_NAME + "}",
            description = "Name mxray gives in EHLO (env MXRAY_EHLO_NAME, default ${DEFAULT-VALUE}).")
    public String ehloName;

    @Option(names = "--step-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_STEP_TIMEOUT:-" + SmtpConfig.STEP_TIMEOUT + "}",
            description = "Wait for each SMTP reply and for the TLS handshake (env MXRAY_STEP_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration stepTimeout;

    @Option(names = "--probe-deadline", paramLabel = "DURATION", defaultValue = "${env:MXRAY_PROBE_DEADLINE:-" + SmtpConfig.PROBE_DEADLINE + "}",
            description = "Most time one probe may take (env MXRAY_PROBE_DEADLINE, default ${DEFAULT-VALUE}).")
    public Duration probeDeadline;

    @Option(names = "--all-certificates", defaultValue = "${env:MXRAY_ALL_CERTIFICATES:-" + SmtpConfig.ALL_CERTIFICATES + "}", arity = "1",
            paramLabel = "true|false",
            description = "After a handshake with an ECDSA (RSA) certificate, a second connection offering only RSA "
                    + "(ECDSA) signatures captures a dual-key server's other certificate, judged like the first; "
                    + "one more polite connection per TLS host (env MXRAY_ALL_CERTIFICATES).")
    public boolean allCertificates;

    @Option(names = "--shared-chain", negatable = true, fallbackValue = "true",
            defaultValue = "${env:MXRAY_SHARED_CHAIN:-" + SmtpConfig.SHARED_CHAIN + "}",
            description = "Where an address presents the same chain and TLS parameters for two names asked for by "
                    + "SNI, judge its further names against that chain instead of connecting again (one in 50 still "
                    + "probed; a difference turns it off for the address); results name the probe they came from "
                    + "(env MXRAY_SHARED_CHAIN; --no-shared-chain probes every name).")
    public boolean sharedChain;

    /** The settings; the TLS versions are measured or not as the command says (its own --tls-versions). */
    /** One more polite connection per TLS version older than the negotiated one: what {@code --tls-versions} says. */
    public static final String TLS_VERSIONS_HELP = "Find which TLS versions older than the negotiated one (1.2, 1.1, "
            + "1.0) a server still accepts, one more polite connection each (env MXRAY_TLS_VERSIONS).";

    public SmtpConfig config(boolean tlsVersions) {
        SmtpConfig d = SmtpConfig.defaults();
        return new SmtpConfig(ehloName, reach.connectTimeout, stepTimeout, probeDeadline, d.maxLineLength(),
                d.maxReplyLines(), d.maxBytes(), reach.perIp, reach.perIpInterval, d.maxInFlight(), reach.allowNonPublic,
                d.maxChain(), reach.optOutList(), allCertificates, tlsVersions, sharedChain);
    }

    public CertificateJudge judge(Clock clock) {
        return new CertificateJudge(caFile == null ? TrustStores.jdkDefault() : TrustStores.fromPem(caFile), clock);
    }
}
