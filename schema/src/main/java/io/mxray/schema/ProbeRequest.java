package io.mxray.schema;

import java.util.Objects;

/**
 * Connect to {@code ip:port}, try STARTTLS and judge the certificate against {@code mxHost}.
 * Topic key: {@link #probeKey()}.
 */
public record ProbeRequest(String scanId, String probeKey, String ip, int port, String mxHost) {
    public ProbeRequest {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(probeKey, "probeKey");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mxHost, "mxHost");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static ProbeRequest of(String scanId, String ip, int port, String mxHost) {
        return new ProbeRequest(scanId, Keys.probeKey(scanId, ip, port, mxHost), ip, port, mxHost);
    }
}
