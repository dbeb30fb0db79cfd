package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * The MTA-STS TXT record at {@code _mta-sts.<domain>} (RFC 8461 section 3.1).
 *
 * @param id      the policy id when valid
 * @param reason  a stable key for a malformed record or a failed lookup
 * @param records the TXT records starting with {@code v=STSv1}, as found
 */
public record MtaStsTxt(TxtStatus status, String id, String reason, DnssecStatus dnssec, List<String> records) {
    public MtaStsTxt {
        Objects.requireNonNull(status, "status");
        records = records == null ? List.of() : List.copyOf(records);
    }
}
