package io.mxray.policy;

import io.mxray.runtime.OptOut;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The options of the policy fetch; the politeness options mean what they mean for SMTP probes. */
public final class PolicyOptions {
    @Option(names = "--ca-file", paramLabel = "PEM", defaultValue = "${env:MXRAY_CA_FILE}",
            description = "CA bundle (PEM) the policy hosts' certificates are judged against (env MXRAY_CA_FILE; "
                    + "default: the JDK's CAs).")
    public Path caFile;

    @Option(names = "--policy-port", paramLabel = "PORT", defaultValue = "${env:MXRAY_POLICY_PORT:-" + PolicyConfig.PORT + "}",
            description = "Port the policy fetches connect to (env MXRAY_POLICY_PORT, default ${DEFAULT-VALUE}; "
                    + "only a lab uses another).")
    public int port;

    @Option(names = "--policy-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_POLICY_TIMEOUT:-" + PolicyConfig.HEADER_TIMEOUT + "}",
            description = "Wait for each phase of a policy fetch: the handshake, the response's headers, its body "
                    + "(env MXRAY_POLICY_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration timeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_CONNECT_TIMEOUT:-" + PolicyConfig.CONNECT_TIMEOUT + "}",
            description = "TCP connect timeout, ISO-8601 (env MXRAY_CONNECT_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration connectTimeout;

    @Option(names = "--per-ip-connections", paramLabel = "N", defaultValue = "${env:MXRAY_PER_IP_CONNECTIONS:-" + PolicyConfig.PER_IP_CONNECTIONS + "}",
            description = "Concurrent connections to one IP address (env MXRAY_PER_IP_CONNECTIONS, default ${DEFAULT-VALUE}).")
    public int perIp;

    @Option(names = "--per-ip-interval", paramLabel = "DURATION", defaultValue = "${env:MXRAY_PER_IP_INTERVAL:-" + PolicyConfig.PER_IP_INTERVAL + "}",
            description = "Least time between two connections to one IP address (env MXRAY_PER_IP_INTERVAL, "
                    + "default ${DEFAULT-VALUE}).")
    public Duration perIpInterval;

    @Option(names = "--opt-out", paramLabel = "FILE", defaultValue = "${env:MXRAY_OPT_OUT}",
            description = "Networks (CIDR) and domains never contacted, one per line (env MXRAY_OPT_OUT).")
    public Path optOut;

    @Option(names = "--allow-non-public", defaultValue = "${env:MXRAY_ALLOW_NON_PUBLIC:-false}",
            description = "Also contact loopback addresses, 127.0.0.0/8 and ::1 (a lab; private and reserved addresses stay "
                    + "refused; env MXRAY_ALLOW_NON_PUBLIC).")
    public boolean allowNonPublic;

    public PolicyConfig config() {
        PolicyConfig d = PolicyConfig.defaults();
        OptOut list = OptOut.NONE;
        if (optOut != null) {
            try {
                list = OptOut.read(optOut);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the opt-out list " + optOut + ": " + e.getMessage(), e);
            }
        }
        return new PolicyConfig(connectTimeout, timeout, timeout, timeout, perIp, perIpInterval, d.maxInFlight(),
                allowNonPublic, list, d.userAgent(), port);
    }

    public CertificateJudge judge(Clock clock) {
        return new CertificateJudge(caFile == null ? TrustStores.jdkDefault() : TrustStores.fromPem(caFile), clock);
    }
}
