package io.mxray.smtp;

import io.mxray.runtime.OptOut;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The SMTP stage's flags, shared by its process and by the in-JVM pipeline. */
public final class SmtpOptions {
    @Option(names = "--ca-file", paramLabel = "PEM", defaultValue = "${env:MXRAY_CA_FILE}",
            description = "CA bundle (PEM) for the PKIX judgement (env MXRAY_CA_FILE; default: the JDK's CAs).")
    public Path caFile;

    @Option(names = "--ehlo-name", paramLabel = "NAME", defaultValue = "${env:MXRAY_EHLO_NAME:-" + SmtpConfig.EHLO_NAME + "}",
            description = "Name mxray gives in EHLO (env MXRAY_EHLO_NAME, default ${DEFAULT-VALUE}).")
    public String ehloName;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_CONNECT_TIMEOUT:-" + SmtpConfig.CONNECT_TIMEOUT + "}",
            description = "TCP connect timeout, ISO-8601 (env MXRAY_CONNECT_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration connectTimeout;

    @Option(names = "--step-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_STEP_TIMEOUT:-" + SmtpConfig.STEP_TIMEOUT + "}",
            description = "Wait for each SMTP reply and for the TLS handshake (env MXRAY_STEP_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration stepTimeout;

    @Option(names = "--probe-deadline", paramLabel = "DURATION", defaultValue = "${env:MXRAY_PROBE_DEADLINE:-" + SmtpConfig.PROBE_DEADLINE + "}",
            description = "Most time one probe may take (env MXRAY_PROBE_DEADLINE, default ${DEFAULT-VALUE}).")
    public Duration probeDeadline;

    @Option(names = "--per-ip-connections", paramLabel = "N", defaultValue = "${env:MXRAY_PER_IP_CONNECTIONS:-" + SmtpConfig.PER_IP_CONNECTIONS + "}",
            description = "Concurrent connections to one IP address (env MXRAY_PER_IP_CONNECTIONS, default ${DEFAULT-VALUE}).")
    public int perIp;

    @Option(names = "--per-ip-interval", paramLabel = "DURATION", defaultValue = "${env:MXRAY_PER_IP_INTERVAL:-" + SmtpConfig.PER_IP_INTERVAL + "}",
            description = "Least time between two connections to one IP address (env MXRAY_PER_IP_INTERVAL, "
                    + "default ${DEFAULT-VALUE}).")
    public Duration perIpInterval;

    @Option(names = "--opt-out", paramLabel = "FILE", defaultValue = "${env:MXRAY_OPT_OUT}",
            description = "Networks (CIDR) and domains never contacted, one per line; their probes are reported as "
                    + "skipped (env MXRAY_OPT_OUT).")
    public Path optOut;

    @Option(names = "--allow-non-public", defaultValue = "${env:MXRAY_ALLOW_NON_PUBLIC:-false}",
            description = "Also contact loopback addresses, 127.0.0.0/8 and ::1 (a lab; private and reserved addresses stay "
                    + "refused; env MXRAY_ALLOW_NON_PUBLIC).")
    public boolean allowNonPublic;

    @Option(names = "--all-certificates", defaultValue = "${env:MXRAY_ALL_CERTIFICATES:-" + SmtpConfig.ALL_CERTIFICATES + "}", arity = "1",
            paramLabel = "true|false",
            description = "After a handshake with an ECDSA (RSA) certificate, a second connection offering only RSA "
                    + "(ECDSA) signatures captures a dual-key server's other certificate, judged like the first; "
                    + "one more polite connection per TLS host (env MXRAY_ALL_CERTIFICATES).")
    public boolean allCertificates;

    /** The settings; the TLS versions are measured or not as the command says (its own --tls-versions). */
    /** One more polite connection per TLS version older than the negotiated one: what {@code --tls-versions} says. */
    public static final String TLS_VERSIONS_HELP = "Find which TLS versions older than the negotiated one (1.2, 1.1, "
            + "1.0) a server still accepts, one more polite connection each (env MXRAY_TLS_VERSIONS).";

    public SmtpConfig config(boolean tlsVersions) {
        SmtpConfig d = SmtpConfig.defaults();
        OptOut list = OptOut.NONE;
        if (optOut != null) {
            try {
                list = OptOut.read(optOut);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the opt-out list " + optOut + ": " + e.getMessage(), e);
            }
        }
        return new SmtpConfig(ehloName, connectTimeout, stepTimeout, probeDeadline, d.maxLineLength(),
                d.maxReplyLines(), d.maxBytes(), perIp, perIpInterval, d.maxInFlight(), allowNonPublic, d.maxChain(),
                list, allCertificates, tlsVersions);
    }

    public CertificateJudge judge(Clock clock) {
        return new CertificateJudge(caFile == null ? TrustStores.jdkDefault() : TrustStores.fromPem(caFile), clock);
    }
}
