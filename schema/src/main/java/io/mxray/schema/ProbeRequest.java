package io.mxray.schema;

import java.util.Objects;

/**
 * Connect to {@code ip:port}, try STARTTLS and judge the certificate against {@code mxHost} (and
 * against the TLSA records, when DANE applies). Topic key: {@link #probeKey()}.
 *
 * @param tlsa the host's TLSA lookup when one was made (its base domain is then the SNI name and
 *             the first name to match, RFC 7672 section 2.2.2), else null
 */
public record ProbeRequest(String scanId, String probeKey, String ip, int port, String mxHost, TlsaLookup tlsa) {
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
        return of(scanId, ip, port, mxHost, null);
    }

    public static ProbeRequest of(String scanId, String ip, int port, String mxHost, TlsaLookup tlsa) {
        return new ProbeRequest(scanId, Keys.probeKey(scanId, ip, port, mxHost, tlsa), ip, port, mxHost, tlsa);
    }

    /** The name to send as SNI: the TLSA base domain when DANE applies, else the MX host name. */
    public String sni() {
        return tlsa != null && tlsa.hasUsableSecureRecords() ? tlsa.base() : mxHost;
    }
}
