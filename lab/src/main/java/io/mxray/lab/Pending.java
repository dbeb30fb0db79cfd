package io.mxray.lab;

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

    public static List<Rule> all() {
        return List.of();
    }

    /** Why {@code field} of this host is not checked yet, or null when it must match. */
    public static Rule forHost(ExpectedHost host, Field field) {
        return null;
    }

    /** Why {@code field} of this domain is not checked yet, or null when it must match. */
    public static Rule forDomain(ExpectedDomain domain, Field field) {
        return null;
    }
}
