package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * The TLS-RPT TXT record at {@code _smtp._tls.<domain>} (RFC 8460 section 3).
 *
 * @param rua     the reporting URIs when valid
 * @param reason  a stable key for a malformed record or a failed lookup
 * @param records the TXT records starting with {@code v=TLSRPTv1}, as found
 */
public record TlsRptTxt(TxtStatus status, List<String> rua, String reason, DnssecStatus dnssec, List<String> records) {
    public TlsRptTxt {
        Objects.requireNonNull(status, "status");
        rua = rua == null ? List.of() : List.copyOf(rua);
        records = records == null ? List.of() : List.copyOf(records);
    }
}
