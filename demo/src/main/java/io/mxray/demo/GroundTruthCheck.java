package io.mxray.demo;

import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.StsExpected;
import io.mxray.schema.Keyed;
import io.mxray.store.ScanResults;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** Compares a scan's rows with the lab's declared ground truth, domain by domain, every expectation. */
public final class GroundTruthCheck {
    private GroundTruthCheck() {
    }

    /** A difference between what was declared and what mxray found. */
    public record Mismatch(String domain, String what, String expected, String actual) {
        @Override
        public String toString() {
            return domain + ": " + what + " expected " + expected + ", got " + actual;
        }
    }

    /** What the comparison found: the mismatches, and how many expectations were compared. */
    public record Result(List<Mismatch> mismatches, int compared) {
        public boolean matches() {
            return mismatches.isEmpty();
        }

        public long mismatchedDomains() {
            return mismatches.stream().map(Mismatch::domain).distinct().count();
        }
    }

    public static List<Mismatch> compare(List<ExpectedDomain> truth, List<ScanResults.HostRow> rows) {
        return check(truth, rows).mismatches();
    }

    public static Result check(List<ExpectedDomain> truth, List<ScanResults.HostRow> rows) {
        Map<String, List<ScanResults.HostRow>> byDomain = new LinkedHashMap<>();
        for (ScanResults.HostRow r : rows) {
            byDomain.computeIfAbsent(r.domain(), k -> new ArrayList<>()).add(r);
        }
        Checker c = new Checker();
        for (ExpectedDomain e : truth) {
            List<ScanResults.HostRow> got = byDomain.get(e.domain());
            if (got == null) {
                c.out.add(new Mismatch(e.domain(), "result", "a final row", "none"));
                continue;
            }
            checkDomain(c, e, got);
        }
        return new Result(c.out, c.compared);
    }

    /** A scan's rows, domain by domain (each domain's rows together), as {@link ScanResults#forEachDomain} streams them. */
    public interface DomainRows {
        void forEach(Consumer<List<ScanResults.HostRow>> each) throws SQLException;
    }

    /**
     * The same comparison over rows streamed domain by domain, for scans too large to hold (a
     * million domains); domains without a row are listed after the others.
     */
    public static Result check(List<ExpectedDomain> truth, DomainRows rows) throws SQLException {
        Map<String, Integer> index = new HashMap<>(truth.size() * 2);
        for (int i = 0; i < truth.size(); i++) {
            index.put(truth.get(i).domain(), i);
        }
        BitSet seen = new BitSet(truth.size());
        Checker c = new Checker();
        rows.forEach(got -> {
            Integer i = index.get(got.get(0).domain());
            if (i != null) { // rows of domains the truth does not name are not compared, as above
                seen.set(i);
                checkDomain(c, truth.get(i), got);
            }
        });
        for (int i = seen.nextClearBit(0); i < truth.size(); i = seen.nextClearBit(i + 1)) {
            c.out.add(new Mismatch(truth.get(i).domain(), "result", "a final row", "none"));
        }
        return new Result(c.out, c.compared);
    }

    private static void checkDomain(Checker c, ExpectedDomain e, List<ScanResults.HostRow> got) {
        c.check(e.domain(), "DNS outcome", e.dnsOutcome().key(), got.get(0).dnsOutcome());
        c.check(e.domain(), "MX DNSSEC status", key(e.mxDnssec()), got.get(0).mxDnssec());
        c.check(e.domain(), "MTA-STS record", key(e.mtaSts()), got.get(0).mtaSts());
        c.check(e.domain(), "TLS-RPT record", key(e.tlsRpt()), got.get(0).tlsRpt());
        c.check(e.domain(), "worst level", key(e.worstLevel()), got.get(0).worstLevel());
        c.check(e.domain(), "best level", key(e.bestLevel()), got.get(0).bestLevel());
        StsExpected sts = e.sts();
        if (sts != null) {
            ScanResults.HostRow d = got.get(0);
            c.check(e.domain(), "MTA-STS policy", key(sts.policy()), d.stsPolicy());
            c.check(e.domain(), "MTA-STS policy reason", sts.policyReason(), d.stsPolicyReason());
            c.check(e.domain(), "MTA-STS sender", key(sts.delivery()), d.stsDelivery());
            c.check(e.domain(), "MTA-STS sender's reason", sts.deliveryReason(), d.stsDeliveryReason());
            c.check(e.domain(), "DANE and MTA-STS sender", key(sts.combined()), d.delivery());
            for (ScanResults.HostRow r : got) {
                if (r.mxHost() != null) {
                    String match = sts.matched() == null ? null
                            : sts.matched().contains(r.mxHost()) ? "match" : "no-match";
                    c.check(e.domain(), "MX host " + r.mxHost() + " in the MTA-STS policy", match, r.stsMatch());
                }
            }
        }
        List<ScanResults.HostRow> hostRows = got.stream().filter(r -> r.mxHost() != null).toList();
        for (ExpectedHost h : e.mx()) {
            List<ScanResults.HostRow> forHost = hostRows.stream().filter(r -> r.mxHost().equals(h.host())).toList();
            if (forHost.isEmpty()) {
                c.out.add(new Mismatch(e.domain(), "MX host " + h.host(), "present", "missing"));
            }
            for (ScanResults.HostRow r : forHost) {
                String where = "MX host " + h.host() + (r.ip().isEmpty() ? "" : " at " + r.ip());
                c.check(e.domain(), where + " level", key(h.level()), r.level());
                c.check(e.domain(), where + " certificate type", key(h.certType()), r.certType());
                c.check(e.domain(), where + " outcome", h.outcome(), r.outcome());
                if (h.pkix() != null || r.pkix() != null) {
                    c.check(e.domain(), where + " web PKI level", key(h.pkix()), r.pkix());
                }
                if (h.keyTypes() != null) {
                    c.check(e.domain(), where + " key types presented",
                            String.join(" ", h.keyTypes().stream().sorted().toList()), r.keyTypes());
                    c.check(e.domain(), where + " DANE over all certificates", key(h.allCertificates()),
                            r.daneAllCertificates());
                }
                c.check(e.domain(), where + " DANE status", key(h.dane()), r.dane());
                c.check(e.domain(), where + " address DNSSEC status", key(h.addressDnssec()), r.addressDnssec());
                c.check(e.domain(), where + " preference", String.valueOf(h.preference()),
                        String.valueOf(r.preference()));
            }
        }
        for (ScanResults.HostRow r : hostRows) {
            if (e.mx().stream().noneMatch(h -> h.host().equals(r.mxHost()))) {
                c.out.add(new Mismatch(e.domain(), "MX host " + r.mxHost(), "absent", "present"));
            }
        }
    }

    private static final class Checker {
        final List<Mismatch> out = new ArrayList<>();
        int compared;

        void check(String domain, String what, String expected, String actual) {
            compared++;
            if (!Objects.equals(expected, actual)) {
                out.add(new Mismatch(domain, what, String.valueOf(expected), String.valueOf(actual)));
            }
        }
    }

    private static String key(Keyed k) {
        return k == null ? null : k.key();
    }
}
