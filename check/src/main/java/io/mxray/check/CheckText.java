package io.mxray.check;

import io.mxray.schema.CertificateFacts;
import io.mxray.schema.CheckAdvice;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckedAddress;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MtaStsTxt;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.StsMatch;
import io.mxray.schema.StsVerdict;
import io.mxray.schema.MxHost;
import io.mxray.schema.PresentedCertificate;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.SecondHandshake;
import io.mxray.schema.TlsRptTxt;
import io.mxray.schema.TxtStatus;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaMatch;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code mxray check}'s report for a person: at most {@link #WIDTH} columns, a label column and
 * wrapped values, the advice last. A golden-output test guards the format.
 */
public final class CheckText {
    public static final int WIDTH = 100;
    private static final int LABEL = 12;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder();

    private CheckText() {
    }

    public static String render(CheckResult r) {
        CheckText t = new CheckText();
        t.write(r);
        return t.out.toString();
    }

    private void write(CheckResult r) {
        String name = r.domain() == null ? r.input().strip() : r.domain();
        line(0, name + "  " + r.status().name() + "  (checked " + WHEN.format(r.checkedAt()) + ", "
                + r.elapsedMs() + " ms)");
        DnsResult dns = r.dns();
        if (dns != null) {
            row(0, "MX", mx(dns) + dnssec(dns.mxDnssec(), dns.mxDnssecReason()));
            for (MxHost h : dns.mxHosts()) {
                row(0, "", h.preference() + " " + h.name());
            }
            if (dns.mtaSts() != null) {
                row(0, "MTA-STS", mtaSts(dns.mtaSts()));
            }
            StsVerdict sts = r.verdict() == null ? null : r.verdict().mtaStsVerdict();
            if (sts != null && sts.policyId() != null) {
                row(0, "policy", policy(sts, r.policy()));
                for (MxHostVerdict h : r.verdict().mxHosts()) {
                    if (h.mtaSts() != null) {
                        row(2, "", h.mxHost() + (h.ip() == null ? "" : " at " + h.ip()) + ": "
                                + (h.mtaSts() == StsMatch.MATCH ? "listed" : "not listed")
                                + (h.mtaSts() == StsMatch.MATCH ? Boolean.TRUE.equals(h.mtaStsValid())
                                ? ", TLS accepted" : ", TLS not accepted" : ""));
                    }
                }
            }
            if (dns.tlsRpt() != null) {
                row(0, "TLS-RPT", tlsRpt(dns.tlsRpt()));
            }
            if (sts != null && r.verdict() != null) {
                row(0, "senders", "MTA-STS: " + sts.delivery().key()
                        + (sts.deliveryReason() == null ? "" : " (" + sts.deliveryReason() + ")")
                        + (r.verdict().daneDelivery() == null ? "" : "; DANE: " + r.verdict().daneDelivery().key())
                        + (r.verdict().delivery() == null ? "" : "; DANE and MTA-STS: " + r.verdict().delivery().key()
                        + (r.verdict().deliveryReason() == null ? "" : " (" + r.verdict().deliveryReason() + ")")));
            }
            for (MxHost h : dns.mxHosts()) {
                host(h, r);
            }
        }
        if (!r.advice().isEmpty()) {
            line(0, "");
            line(0, "Advice");
            for (CheckAdvice a : r.advice()) {
                String tag = String.format(Locale.ROOT, "%-9s", a.status().name());
                wrap(2, tag, a.text(), 2 + tag.length());
            }
        }
    }

    private void host(MxHost h, CheckResult r) {
        line(0, "");
        line(0, h.name() + "  (preference " + h.preference() + ")");
        if (!h.cnameChain().isEmpty()) {
            row(2, "CNAME", String.join(" -> ", h.cnameChain()));
        }
        row(2, "addresses", (h.addresses().isEmpty() ? h.addressOutcome().key() + (h.reason() == null ? ""
                : " (" + h.reason() + ")") : String.join(", ", h.addresses())) + dnssec(h.addressDnssec(),
                h.dnssecReason()));
        TlsaLookup tlsa = h.tlsa();
        if (tlsa != null) {
            String base = "_25._tcp." + (tlsa.base() == null ? h.name() : tlsa.base());
            if (!tlsa.lookedUp()) {
                row(2, "TLSA", "not looked up (" + tlsa.decision().key() + ")");
            } else {
                String found = tlsa.outcome() == LookupOutcome.OK
                        ? tlsa.records().size() + (tlsa.records().size() == 1 ? " record" : " records")
                        : tlsa.outcome() == LookupOutcome.NXDOMAIN
                        || tlsa.outcome() == LookupOutcome.NODATA
                        ? "none (" + tlsa.outcome().key() + ")" : tlsa.outcome().key();
                row(2, "TLSA", base + ": " + found + (tlsa.reason() == null ? "" : " (" + tlsa.reason() + ")")
                        + dnssec(tlsa.dnssec(), null));
            }
        }
        for (CheckedAddress a : r.addresses()) {
            ProbeResult p = a.probe();
            if (p.mxHost().equals(h.name())) {
                address(a, tlsa);
            }
        }
    }

    private void address(CheckedAddress a, TlsaLookup tlsa) {
        ProbeResult p = a.probe();
        line(2, p.ip() + (p.port() == 25 ? "" : " port " + p.port()));
        List<String> smtp = new ArrayList<>();
        smtp.add(p.outcome().key() + (p.reason() == null ? "" : " (" + p.reason() + ")"));
        if (!p.banner().isEmpty()) {
            smtp.add(p.banner().get(0));
        }
        row(4, "SMTP", String.join("; ", smtp));
        if (p.tls() != null) {
            row(4, "TLS", p.tls().protocol() + ", " + p.tls().cipher() + (p.tls().group() == null ? ""
                    : ", " + p.tls().group()) + (p.tls().sni() == null ? "" : ", SNI " + p.tls().sni()));
        }
        if (!p.tlsVersions().isEmpty()) {
            List<String> versions = new ArrayList<>();
            p.tlsVersions().forEach((v, result) -> versions.add(v + " " + result));
            row(4, "versions", String.join(", ", versions));
        }
        for (int i = 0; i < a.chain().size(); i++) {
            CertificateFacts c = a.chain().get(i);
            row(4, "cert " + i, c.subject());
            row(4, "", "issuer " + c.issuer() + (c.selfSigned() ? " (self-signed)" : ""));
            long days = Duration.between(a.probe().probedAt(), c.notAfter()).toDays();
            row(4, "", "valid " + DAY.format(c.notBefore()) + " to " + DAY.format(c.notAfter())
                    + (days >= 0 ? " (" + days + " days left)" : " (expired " + -days + " days ago)"));
            row(4, "", "key " + c.keyType() + (c.curve() != null ? " " + c.curve() : c.keyBits() > 0 ? " " + c.keyBits()
                    + " bits" : "") + (c.names().isEmpty() ? "" : ", names " + String.join(" ", c.names())));
            row(4, "", "SPKI SHA-256 " + c.spkiSha256());
        }
        for (TlsaMatch m : a.tlsa()) {
            row(4, "TLSA", m.record());
            row(4, "", m.reason() == null ? "matched " + position(m.matched())
                    : !m.usable() ? "unusable for SMTP (" + m.reason() + ")"
                    : "no match (" + m.reason() + (m.matched() >= 0 ? ", " + position(m.matched()) : "") + ")");
        }
        for (String ignored : a.ignoredTlsa()) {
            row(4, "TLSA", ignored);
            row(4, "", "ignored by senders: not DNSSEC-secure");
        }
        for (int i = 1; i < p.certificates().size(); i++) {
            PresentedCertificate c = p.certificates().get(i);
            String[] leaf = leafFacts(c);
            row(4, "other key", c.keyType().key().toUpperCase(Locale.ROOT) + " certificate (second handshake, "
                    + c.protocol() + "): " + leaf[0]);
            row(4, "", "SPKI SHA-256 " + leaf[1] + "; web PKI " + (c.pkix() == null ? "-" : c.pkix().key())
                    + (c.dane() == null || c.dane().status() == DaneStatus.NONE ? ""
                    : "; DANE " + c.dane().status().key() + (c.dane().reason() == null ? "" : " (" + c.dane().reason()
                    + ")")));
        }
        SecondHandshake second = p.secondHandshake();
        if (second != null && !second.presented()) {
            row(4, "other key", second.offered() == null ? "not asked for (" + second.reason() + ")"
                    : "none: offering only " + second.offered().key().toUpperCase(Locale.ROOT) + " signatures got "
                    + second.outcome().key() + (second.reason() == null ? "" : " (" + second.reason() + ")"));
        }
        StringBuilder level = new StringBuilder(p.level() == null ? "not judged" : p.level().key());
        if (p.decidedBy() != null) {
            level.append(", decided by ").append(p.decidedBy());
        }
        if (p.dane() != null && p.dane().matched() != null) {
            level.append(" (TLSA ").append(shortRecord(p.dane().matched())).append(")");
        }
        if (p.dane() != null && p.dane().status() != DaneStatus.NONE) {
            level.append("; DANE ").append(p.dane().status().key());
            if (p.dane().reason() != null) {
                level.append(" (").append(p.dane().reason()).append(")");
            }
            if (p.dane().allCertificates() != null) {
                level.append(", all certificates ").append(p.dane().allCertificates().key());
            }
        }
        if (a.pkixLevel() != null) {
            level.append("; web PKI ").append(a.pkixLevel().key());
            if (a.pkixReason() != null) {
                level.append(" (").append(a.pkixReason()).append(")");
            }
        }
        row(4, "level", level.toString());
    }

    /** The subject and SPKI SHA-256 of a presented chain's leaf. */
    private static String[] leafFacts(PresentedCertificate c) {
        CertificateFacts leaf = Certificates.leafFacts(c);
        return leaf == null ? new String[] {"unreadable", "-"} : new String[] {leaf.subject(), leaf.spkiSha256()};
    }

    private static String mx(DnsResult dns) {
        int n = dns.mxHosts().size();
        String why = dns.reason() == null ? "" : " (" + dns.reason() + ")";
        return switch (dns.outcome()) {
            case MX -> n + (n == 1 ? " host" : " hosts") + why;
            case IMPLICIT_MX -> "none: the domain's own address takes its mail (implicit MX)" + why;
            case NULL_MX -> "null MX: the domain accepts no mail (RFC 7505)" + why;
            case NXDOMAIN -> "the domain does not exist (nxdomain)" + why;
            case NO_MAIL_HOST -> "no MX and no address: no mail host" + why;
            default -> "lookup failed: " + dns.outcome().key() + why;
        };
    }

    private static String position(int i) {
        return i == 0 ? "the leaf" : "certificate " + i + " of the chain";
    }

    private static String shortRecord(String record) {
        String[] f = record.split(" ");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : record;
    }

    private static String dnssec(DnssecStatus s, String reason) {
        return s == null ? "" : ", DNSSEC " + s.key() + (reason == null ? "" : " (" + reason + ")");
    }

    private static String mtaSts(MtaStsTxt t) {
        return t.status().key() + (t.id() == null ? "" : ", id " + t.id()) + (t.reason() == null ? ""
                : " (" + t.reason() + ")") + dnssec(t.dnssec(), null)
                + (t.records().isEmpty() ? "" : ": " + String.join(" | ", t.records()));
    }

    /** The policy as fetched, or why there is none. */
    private static String policy(StsVerdict sts, PolicyResult fetched) {
        String from = fetched == null || fetched.ip() == null ? ""
                : " (https://" + fetched.host() + " at " + fetched.ip()
                + (fetched.tlsProtocol() == null ? "" : ", " + fetched.tlsProtocol()) + ")";
        if (sts.status() == null) {
            return "not fetched";
        }
        if (sts.mode() == null) {
            return sts.status().key() + ": " + sts.reason() + from;
        }
        return "mode " + sts.mode().key() + ", max_age " + sts.maxAge()
                + (sts.mx() == null ? "" : ", mx " + String.join(" ", sts.mx())) + from;
    }

    private static String tlsRpt(TlsRptTxt t) {
        return t.status().key() + (t.reason() == null ? "" : " (" + t.reason() + ")") + dnssec(t.dnssec(), null)
                + (t.records().isEmpty() ? "" : ": " + String.join(" | ", t.records()))
                + (t.status() == TxtStatus.VALID && t.rua() != null && !t.rua().isEmpty()
                ? "; failure reports go to " + String.join(", ", t.rua()) : "");
    }

    private void line(int indent, String text) {
        wrap(indent, "", text, indent);
    }

    private void row(int indent, String label, String value) {
        String head = String.format(Locale.ROOT, "%-" + LABEL + "s", label);
        wrap(indent, head, value, indent + LABEL);
    }

    /** {@code head} at {@code indent}, then {@code text} wrapped at the width, continued at {@code hang}. */
    private void wrap(int indent, String head, String text, int hang) {
        StringBuilder cur = new StringBuilder(" ".repeat(indent)).append(head);
        int start = cur.length();
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            while (cur.length() + (cur.length() > start ? 1 : 0) + word.length() > WIDTH) {
                if (cur.length() > Math.max(start, hang)) {
                    flush(cur);
                    cur = new StringBuilder(" ".repeat(hang));
                    start = hang;
                    continue;
                }
                // a word longer than a line: cut it
                int room = WIDTH - cur.length();
                cur.append(word, 0, room);
                word = word.substring(room);
                flush(cur);
                cur = new StringBuilder(" ".repeat(hang));
                start = hang;
            }
            if (cur.length() > start) {
                cur.append(' ');
            }
            cur.append(word);
        }
        flush(cur);
    }

    private void flush(StringBuilder line) {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        for (int i = 0; i < end; i++) {
            out.append(printable(line.charAt(i)));
        }
        out.append('\n');
    }

    /**
     * What a terminal may be shown: every value here can come from a server or a zone (banners,
     * certificate subjects and names, TXT records), and a control character (C0, DEL, C1: escape
     * sequences among them) or a bidirectional override could rewrite what the reader sees.
     */
    static char printable(char c) {
        boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
        boolean bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
        return control || bidi ? '?' : c;
    }
}
