package io.mxray.schema;

import java.util.Locale;
import java.util.Objects;

/**
 * One TLSA record (RFC 6698), parsed.
 *
 * @param data           the certificate association data in lower-case hex
 * @param usable         whether a DANE SMTP client may use it (RFC 7672 section 3.1: usage 2 or 3,
 *                       selector 0 or 1, matching type 0, 1 or 2)
 * @param unusableReason a stable key when not usable (for example {@code usage-pkix-ta}), or null
 */
public record TlsaRecord(int usage, int selector, int matching, String data, boolean usable, String unusableReason) {
    public TlsaRecord {
        Objects.requireNonNull(data, "data");
    }

    /** Parses and classifies the fields (pure; RFC 7672 section 3.1, RFC 7671 section 5). */
    public static TlsaRecord of(int usage, int selector, int matching, String dataHex) {
        String reason = null;
        if (usage == 0) {
            reason = "usage-pkix-ta"; // RFC 7672 section 3.1.3: usages 0 and 1 are not for SMTP
        } else if (usage == 1) {
            reason = "usage-pkix-ee";
        } else if (usage != 2 && usage != 3) {
            reason = "usage-unknown";
        } else if (selector != 0 && selector != 1) {
            reason = "selector-unknown";
        } else if (matching != 0 && matching != 1 && matching != 2) {
            reason = "matching-unknown";
        } else if (matching == 1 && dataHex.length() != 64 || matching == 2 && dataHex.length() != 128) {
            reason = "digest-length"; // a digest of the wrong length can never match
        }
        return new TlsaRecord(usage, selector, matching, dataHex.toLowerCase(Locale.ROOT), reason == null,
                reason);
    }

    /** The record as presentation text, {@code "3 1 1 ab12..."} (RFC 6698 section 2.2). */
    public String presentation() {
        return usage + " " + selector + " " + matching + " " + data;
    }
}
