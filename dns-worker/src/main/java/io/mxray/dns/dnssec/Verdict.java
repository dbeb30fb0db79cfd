package io.mxray.dns.dnssec;

import io.mxray.schema.DnssecStatus;

/** What DNSSEC says about one part of a response (an RRset, a denial proof, a zone). */
record Verdict(DnssecStatus status, String reason) {
    static final Verdict SECURE = new Verdict(DnssecStatus.SECURE, null);
    static final Verdict INSECURE = new Verdict(DnssecStatus.INSECURE, null);

    static Verdict bogus(String reason) {
        return new Verdict(DnssecStatus.BOGUS, reason);
    }

    static Verdict indeterminate(String reason) {
        return new Verdict(DnssecStatus.INDETERMINATE, reason);
    }

    boolean secure() {
        return status == DnssecStatus.SECURE;
    }

    /** The worse of two verdicts (secure, insecure, indeterminate, bogus), the first one on a tie. */
    Verdict and(Verdict other) {
        return rank(other.status) > rank(status) ? other : this;
    }

    private static int rank(DnssecStatus s) {
        return switch (s) {
            case SECURE -> 0;
            case INSECURE -> 1;
            case INDETERMINATE -> 2;
            case BOGUS -> 3;
        };
    }
}
