package io.mxray.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Connect to {@code ip:port}, try STARTTLS and judge the certificate against {@code mxHost} (and
 * against the TLSA records, when DANE applies). Topic key: {@link #probeKey()}.
 *
 * @param tlsa    the host's TLSA lookup when one was made (its base domain is then the SNI name and
 *                the first name to match, RFC 7672 section 2.2.2), else null
 * @param aliases the CNAME chain from the MX host name to its addresses (every name an opt-out
 *                list must be checked against), or null when there is none
 */
public record ProbeRequest(String scanId, String probeKey, String ip, int port, String mxHost, TlsaLookup tlsa,
                           List<String> aliases) {
    public ProbeRequest {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(probeKey, "probeKey");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mxHost, "mxHost");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        aliases = aliases == null || aliases.isEmpty() ? null : List.copyOf(aliases);
    }

    public ProbeRequest(String scanId, String probeKey, String ip, int port, String mxHost, TlsaLookup tlsa) {
        this(scanId, probeKey, ip, port, mxHost, tlsa, null);
    }

    /** The same probe, reached through these aliases. */
    public ProbeRequest withAliases(List<String> chain) {
        return new ProbeRequest(scanId, probeKey, ip, port, mxHost, tlsa, chain);
    }

    /** The MX host name and every alias on the way to its addresses. */
    public List<String> names() {
        if (aliases == null) {
            return List.of(mxHost);
        }
        List<String> all = new ArrayList<>(aliases.size() + 1);
        all.add(mxHost);
        all.addAll(aliases);
        return all;
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
