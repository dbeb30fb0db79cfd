package io.mxray.policy;

import io.mxray.runtime.ReachOptions;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The options of the policy fetch; the politeness options mean what they mean for SMTP probes. */
public final class PolicyOptions {
    @Mixin
    public ReachOptions reach = new ReachOptions();

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

    public PolicyConfig config() {
        PolicyConfig d = PolicyConfig.defaults();
        return new PolicyConfig(reach.connectTimeout, timeout, timeout, timeout, reach.perIp, reach.perIpInterval,
                d.maxInFlight(), reach.allowNonPublic, reach.optOutList(), d.userAgent(), port);
    }

    public CertificateJudge judge(Clock clock) {
        return new CertificateJudge(caFile == null ? TrustStores.jdkDefault() : TrustStores.fromPem(caFile), clock);
    }
}
