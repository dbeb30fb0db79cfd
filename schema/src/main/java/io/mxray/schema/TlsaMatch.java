package io.mxray.schema;

import java.util.Objects;

/**
 * How one TLSA record fared against the chain a server presented.
 *
 * @param record   the record as presentation text, {@code "3 1 1 ab12..."}
 * @param usable   whether a DANE SMTP client may use it (RFC 7672 section 3.1)
 * @param matched  the position in the chain of the certificate it matches (0: the leaf), or -1
 * @param reason   why it does not count: the record's unusable reason, {@code no-match},
 *                 {@code ta-is-leaf} (a DANE-TA record that matches only the leaf), or null when it matched
 */
public record TlsaMatch(String record, boolean usable, int matched, String reason) {
    public TlsaMatch {
        Objects.requireNonNull(record, "record");
    }
}
