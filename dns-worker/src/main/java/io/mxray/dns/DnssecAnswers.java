package io.mxray.dns;

import io.mxray.schema.DnssecStatus;
import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;

/**
 * What a response from mxray's own validator says about DNSSEC (RFC 4035 section 4.3): the AD
 * bit it sets for secure data; a SERVFAIL carrying an Extended DNS Error (RFC 8914) of the DNSSEC
 * family for bogus data, with that code as a stable reason key. The AD bit of an upstream
 * resolver never reaches here: the validator asks upstream with CD and sets AD itself.
 */
public final class DnssecAnswers {
    private DnssecAnswers() {
    }

    /** The status and reason of one validated response. */
    public record Verdict(DnssecStatus status, String reason) {
    }

    public static Verdict of(Message validated) {
        if (validated.getHeader().getFlag(Flags.AD)) {
            return new Verdict(DnssecStatus.SECURE, null);
        }
        ExtendedErrorCodeOption ede = ede(validated);
        if (validated.getRcode() == Rcode.SERVFAIL && ede != null && isDnssec(ede.getErrorCode())) {
            return new Verdict(DnssecStatus.BOGUS, reason(ede.getErrorCode()));
        }
        if (validated.getRcode() == Rcode.SERVFAIL) {
            // no data to judge: the upstream failed, or validation could not finish
            return new Verdict(DnssecStatus.INDETERMINATE, ede != null ? reason(ede.getErrorCode()) : "servfail");
        }
        return new Verdict(DnssecStatus.INSECURE, null);
    }

    static ExtendedErrorCodeOption ede(Message m) {
        OPTRecord opt = m.getOPT();
        if (opt == null) {
            return null;
        }
        List<EDNSOption> options = opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
        return options.isEmpty() ? null : (ExtendedErrorCodeOption) options.get(0);
    }

    /** RFC 8914 codes 1-12 that mean a DNSSEC failure (3, 4 and 5 are about stale or forged data). */
    static boolean isDnssec(int code) {
        return code == 1 || code == 2 || (code >= 6 && code <= 12);
    }

    /** RFC 8914 section 4 names, as stable keys. */
    static String reason(int code) {
        return switch (code) {
            case 1 -> "unsupported-dnskey-algorithm";
            case 2 -> "unsupported-ds-digest";
            case 6 -> "dnssec-bogus";
            case 7 -> "signature-expired";
            case 8 -> "signature-not-yet-valid";
            case 9 -> "dnskey-missing";
            case 10 -> "rrsigs-missing";
            case 11 -> "no-zone-key-bit";
            case 12 -> "nsec-missing";
            default -> "ede-" + code;
        };
    }

    /** The worse of two statuses, for an answer made of several (bogus, indeterminate, insecure, secure). */
    public static DnssecStatus worse(DnssecStatus a, DnssecStatus b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return rank(a) >= rank(b) ? a : b;
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
