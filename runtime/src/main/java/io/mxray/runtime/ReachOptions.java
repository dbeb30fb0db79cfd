package io.mxray.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How every client that contacts the Internet reaches it, politely: the connect timeout, the
 * per-address limits, the opt-out list and the address policy. One mixin for the SMTP probes and
 * the MTA-STS policy fetches, so that an option means the same in both.
 */
public final class ReachOptions {
    public static final String CONNECT_TIMEOUT = "PT10S";
    public static final String PER_IP_CONNECTIONS = "2";
    public static final String PER_IP_INTERVAL = "PT1S";

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "${env:MXRAY_CONNECT_TIMEOUT:-" + CONNECT_TIMEOUT + "}",
            description = "TCP connect timeout, ISO-8601 (env MXRAY_CONNECT_TIMEOUT, default ${DEFAULT-VALUE}).")
    public Duration connectTimeout;

    @Option(names = "--per-ip-connections", paramLabel = "N", defaultValue = "${env:MXRAY_PER_IP_CONNECTIONS:-" + PER_IP_CONNECTIONS + "}",
            description = "Concurrent connections to one IP address (env MXRAY_PER_IP_CONNECTIONS, default ${DEFAULT-VALUE}).")
    public int perIp;

    @Option(names = "--per-ip-interval", paramLabel = "DURATION", defaultValue = "${env:MXRAY_PER_IP_INTERVAL:-" + PER_IP_INTERVAL + "}",
            description = "Least time between two connections to one IP address (env MXRAY_PER_IP_INTERVAL, "
                    + "default ${DEFAULT-VALUE}).")
    public Duration perIpInterval;

    @Option(names = "--opt-out", paramLabel = "FILE", defaultValue = "${env:MXRAY_OPT_OUT}",
            description = "Networks (CIDR) and domains never contacted, one per line; what they would have been "
                    + "is reported as skipped (env MXRAY_OPT_OUT).")
    public Path optOut;

    @Option(names = "--allow-non-public", defaultValue = "${env:MXRAY_ALLOW_NON_PUBLIC:-false}",
            description = "Also contact loopback addresses, 127.0.0.0/8 and ::1 (a lab; private and reserved addresses "
                    + "stay refused; env MXRAY_ALLOW_NON_PUBLIC).")
    public boolean allowNonPublic;

    /** The opt-out list read from {@link #optOut}, or none. */
    public OptOut optOutList() {
        if (optOut == null) {
            return OptOut.NONE;
        }
        try {
            return OptOut.read(optOut);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the opt-out list " + optOut + ": " + e.getMessage(), e);
        }
    }
}
