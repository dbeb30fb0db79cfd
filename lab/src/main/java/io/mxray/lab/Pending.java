package io.mxray.lab;

import io.mxray.schema.CertType;
import java.util.List;

/**
 * The one place that says which declared expectations the scanner cannot meet yet, and which
 * issue will make it meet them. Checks skip exactly these and report them as pending; the ground
 * truth itself is never weakened. Remove a rule when its stage lands.
 */
public final class Pending {
    private Pending() {
    }

    /** Something a check compares. */
    public enum Field { DNS_OUTCOME, MX_DNSSEC, ADDRESS_DNSSEC, DANE, LEVEL, CERT_TYPE, OUTCOME, PROTOCOL, WORST_LEVEL,
        BEST_LEVEL }

    /** A reason a field is not checked yet. */
    public record Rule(String what, String issue) {
        @Override
        public String toString() {
            return what + " (" + issue + ")";
        }
    }

    public static final Rule DANE = new Rule("DANE status: the SMTP stage does not judge TLSA records yet", "issue 5");
    public static final Rule DANE_LEVEL = new Rule("level and certificate type decided by DANE (dane-only)", "issue 5");

    public static List<Rule> all() {
        return List.of(DANE, DANE_LEVEL);
    }

    /** Why {@code field} of this host is not checked yet, or null when it must match. */
    public static Rule forHost(ExpectedHost host, Field field) {
        return switch (field) {
            case DANE -> DANE;
            case LEVEL, CERT_TYPE -> host.certType() == CertType.DANE_ONLY ? DANE_LEVEL : null;
            default -> null;
        };
    }

    /** Why {@code field} of this domain is not checked yet, or null when it must match. */
    public static Rule forDomain(ExpectedDomain domain, Field field) {
        return switch (field) {
            case WORST_LEVEL, BEST_LEVEL -> domain.mx().stream().anyMatch(h -> h.certType() == CertType.DANE_ONLY)
                    ? DANE_LEVEL : null;
            default -> null;
        };
    }
}
