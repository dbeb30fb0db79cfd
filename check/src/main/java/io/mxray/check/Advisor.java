package io.mxray.check;

import io.mxray.schema.CertificateFacts;
import io.mxray.schema.CheckAdvice;
import io.mxray.schema.CheckStatus;
import io.mxray.schema.CheckedAddress;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Delivery;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.StsVerdict;
import io.mxray.schema.StsMode;
import io.mxray.schema.StsMatch;
import io.mxray.schema.PolicyStatus;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainResult;
import io.mxray.schema.KeyCoverage;
import io.mxray.schema.Level;
import io.mxray.schema.MtaStsTxt;
import io.mxray.schema.MxHost;
import io.mxray.schema.PresentedCertificate;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.TlsVersionResult;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaMatch;
import io.mxray.schema.TlsaRecord;
import io.mxray.schema.TxtStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a domain's facts for what is wrong or fragile, and says it in plain words. Pure: the
 * same facts at the same instant give the same advice.
 *
 * <p>Severity follows what senders do: {@link CheckStatus#CRITICAL} when a DANE sender (RFC 7672)
 * would not deliver, when no MX host offers STARTTLS or none can be reached, or when the domain
 * takes no mail by mistake; {@link CheckStatus#WARNING} when mail flows but something is weaker
 * than it should be or will break (an expiring certificate, a TLSA RRset without a rollover
 * scheme, MX hosts that disagree); {@link CheckStatus#UNKNOWN} when DNS did not answer.
 */
public final class Advisor {
    /** A certificate closer than this to its end is worth a warning. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private Advisor() {
    }

    public static List<CheckAdvice> advise(DnsResult dns, List<CheckedAddress> addresses, DomainResult verdict,
                                           Instant now) {
        List<CheckAdvice> out = new ArrayList<>();
        String domain = dns.domain();
        if (domainLevel(dns, out)) {
            return out;
        }
        boolean daneDefers = verdict.daneDelivery() == Delivery.DEFER;
        StsMode stsMode = verdict.mtaStsVerdict() == null ? null : verdict.mtaStsVerdict().mode();
        boolean stsInForce = stsMode == StsMode.ENFORCE || stsMode == StsMode.TESTING;
        CheckStatus daneSeverity = daneDefers ? CheckStatus.CRITICAL : CheckStatus.WARNING;
        for (MxHost h : dns.mxHosts()) {
            if (h.addresses().isEmpty()) {
                out.add(new CheckAdvice(CheckStatus.WARNING, "no-address", h.name(), "MX host " + h.name()
                        + " has no address (" + h.addressOutcome().key() + (h.reason() == null ? "" : ", " + h.reason())
                        + "): senders skip it. Publish its A or AAAA records or remove the MX record."));
            }
            if (h.addressDnssec() == DnssecStatus.BOGUS) {
                out.add(new CheckAdvice(CheckStatus.WARNING, "address-bogus", h.name(), "The address records of "
                        + h.name() + " fail DNSSEC validation (" + h.dnssecReason() + "): validating resolvers answer "
                        + "SERVFAIL, so many senders cannot reach this host."));
            }
        }
        Set<String> tlsaDone = new LinkedHashSet<>();
        for (CheckedAddress a : addresses) {
            ProbeResult p = a.probe();
            String where = p.mxHost() + " (" + p.ip() + ")";
            TlsaLookup tlsa = tlsaOf(dns, p.mxHost());
            reachability(p, where, out);
            if (!a.ignoredTlsa().isEmpty() && tlsaDone.add("ignored|" + p.mxHost())) {
                out.add(new CheckAdvice(CheckStatus.WARNING, "tlsa-insecure", p.mxHost(), "TLSA records are "
                        + "published for " + p.mxHost() + ", but without DNSSEC (its "
                        + (tlsa != null && tlsa.lookedUp() ? "TLSA RRset" : "address records") + " are not signed): "
                        + "senders ignore them. Sign the zone (and have the parent publish its DS), or remove them."));
            }
            dane(a, where, tlsa, daneSeverity, tlsaDone, out);
            certificate(a, where, tlsa, stsInForce, now, out);
            if (TlsVersionResult.acceptsLegacy(p.tlsVersions()) && TlsVersionResult.acceptsModern(p.tlsVersions())) {
                List<String> old = p.tlsVersions().entrySet().stream()
                        .filter(v -> v.getValue().equals(TlsVersionResult.ACCEPTED)
                                && (v.getKey().equals("TLSv1") || v.getKey().equals("TLSv1.1")))
                        .map(v -> v.getKey().equals("TLSv1") ? "TLS 1.0" : "TLS 1.1").toList();
                out.add(new CheckAdvice(CheckStatus.WARNING, "tls-old-versions", where, where + " still accepts "
                        + String.join(" and ", old) + ", which RFC 8996 deprecates: a client limited to them, or an "
                        + "attacker who can make a client believe so, gets a weak session. Disable them; keep TLS 1.2 "
                        + "and 1.3."));
            }
            if (p.tls() != null && p.tls().legacy() != null) {
                out.add(new CheckAdvice(CheckStatus.WARNING, "tls-legacy", where, where + " negotiated "
                        + p.tls().protocol() + " with " + p.tls().cipher() + ": modern clients refuse it ("
                        + p.tls().legacy() + ")" + (p.tlsVersions().isEmpty() || TlsVersionResult.acceptsModern(
                        p.tlsVersions()) ? "" : "; it accepts nothing newer than " + p.tls().protocol())
                        + ". Enable TLS 1.2 or 1.3 with ECDHE suites."));
            }
        }
        domainSummary(domain, dns, addresses, verdict, out);
        mtaSts(domain, dns, verdict, out);
        return out;
    }

    /**
     * RFC 8461 as its senders apply it: a policy that cannot be had, MX hosts an enforce policy
     * does not list or whose TLS it does not accept (CRITICAL: those senders do not deliver there),
     * the same under testing (WARNING), and nowhere for failure reports to go (RFC 8460) while
     * MTA-STS or DANE is enforced.
     */
    private static void mtaSts(String domain, DnsResult dns, DomainResult verdict, List<CheckAdvice> out) {
        StsVerdict sts = verdict.mtaStsVerdict();
        if (sts == null) {
            return;
        }
        String host = "mta-sts." + domain;
        if (sts.status() == PolicyStatus.FAILED || sts.status() == PolicyStatus.SKIPPED) {
            out.add(new CheckAdvice(CheckStatus.WARNING, "mta-sts-policy-unavailable", host, "The _mta-sts record of "
                    + domain + " announces a policy, but https://" + host + "/.well-known/mta-sts.txt cannot be had ("
                    + sts.reason() + "): senders that never fetched it deliver as without MTA-STS, those holding an "
                    + "older copy keep enforcing that one. Serve the policy (status 200, text/plain, a certificate for "
                    + host + ") or remove the record."));
        }
        if (sts.mode() == StsMode.ENFORCE || sts.mode() == StsMode.TESTING) {
            boolean enforce = sts.mode() == StsMode.ENFORCE;
            CheckStatus severity = enforce ? CheckStatus.CRITICAL : CheckStatus.WARNING;
            String consequence = enforce ? "MTA-STS senders will not deliver to it"
                    : "MTA-STS senders report it as a failure (testing mode: they deliver all the same)";
            Set<String> said = new HashSet<>();
            for (MxHostVerdict h : verdict.mxHosts()) {
                if (h.mtaSts() == StsMatch.NO_MATCH && said.add("match:" + h.mxHost())) {
                    out.add(new CheckAdvice(severity, "mta-sts-unlisted", h.mxHost(), "The " + sts.mode().key()
                            + " policy of " + domain + " does not list " + h.mxHost() + ": " + consequence
                            + ". Add an mx line for it (mx: " + h.mxHost() + ") and a new id to the TXT record."));
                } else if (h.mtaSts() == StsMatch.MATCH && Boolean.FALSE.equals(h.mtaStsValid()) && h.ip() != null
                        && said.add("tls:" + h.mxHost() + "@" + h.ip())) {
                    out.add(new CheckAdvice(severity, "mta-sts-invalid-tls", h.mxHost() + " at " + h.ip(),
                            h.mxHost() + " at " + h.ip() + " does not offer TLS 1.2 or later with a certificate the "
                                    + "web PKI validates for its name, as the " + sts.mode().key() + " policy of "
                                    + domain + " requires: " + consequence + "."));
                }
            }
        }
        boolean daneApplies = verdict.mxHosts().stream().anyMatch(h -> h.dane() != null
                && (h.dane().status() == DaneStatus.VALID || h.dane().status() == DaneStatus.MISMATCH));
        boolean noReports = dns.tlsRpt() != null && dns.tlsRpt().status() != TxtStatus.VALID; // null: not looked up
        if (noReports && (sts.mode() == StsMode.ENFORCE || daneApplies)) {
            out.add(new CheckAdvice(CheckStatus.WARNING, "tls-rpt-missing", "_smtp._tls." + domain, domain
                    + " enforces " + (sts.mode() == StsMode.ENFORCE ? "MTA-STS" : "DANE") + " but publishes no valid "
                    + "TLS-RPT record (RFC 8460): senders that fail to deliver have nowhere to report it. Publish "
                    + "_smtp._tls." + domain + " TXT \"v=TLSRPTv1; rua=mailto:...\"."));
        }
    }

    /** DNS outcomes that end the check early; true when nothing else can be said. */
    private static boolean domainLevel(DnsResult dns, List<CheckAdvice> out) {
        String d = dns.domain();
        if (dns.mxDnssec() == DnssecStatus.BOGUS) {
            out.add(new CheckAdvice(CheckStatus.CRITICAL, "mx-bogus", d, "The MX answer of " + d
                    + " fails DNSSEC validation (" + dns.mxDnssecReason() + "): validating resolvers answer SERVFAIL, "
                    + "so senders behind them, DANE senders among them, cannot deliver. Re-sign the zone or fix its DS."));
            return true;
        }
        switch (dns.outcome()) {
            case SERVFAIL, TIMEOUT, ERROR -> {
                out.add(new CheckAdvice(CheckStatus.UNKNOWN, "dns-failure", d, "The MX lookup of " + d + " failed ("
                        + dns.outcome().key() + (dns.reason() == null ? "" : ", " + dns.reason())
                        + "): nothing else could be checked."));
                return true;
            }
            case NXDOMAIN -> {
                out.add(new CheckAdvice(CheckStatus.CRITICAL, "nxdomain", d, d + " does not exist: mail to it bounces."));
                return true;
            }
            case NO_MAIL_HOST -> {
                out.add(new CheckAdvice(CheckStatus.CRITICAL, "no-mail-host", d, d + " has neither MX nor address "
                        + "records: mail to it bounces."));
                return true;
            }
            case NULL_MX -> {
                return true; // a null MX (RFC 7505) is a deliberate "no mail here": nothing to advise
            }
            default -> {
            }
        }
        if (dns.mxDnssec() == DnssecStatus.INDETERMINATE) {
            out.add(new CheckAdvice(CheckStatus.UNKNOWN, "mx-indeterminate", d, "The DNSSEC status of the MX answer of "
                    + d + " could not be established (" + dns.mxDnssecReason() + ")."));
        }
        return false;
    }

    private static void reachability(ProbeResult p, String where, List<CheckAdvice> out) {
        ProbeOutcome o = p.outcome();
        String detail = p.reason() == null ? "" : " (" + p.reason() + ")";
        switch (o) {
            case NO_STARTTLS -> out.add(new CheckAdvice(CheckStatus.WARNING, "no-starttls", where, where
                    + " does not offer STARTTLS: mail to it travels in the clear."));
            case STARTTLS_REFUSED -> out.add(new CheckAdvice(CheckStatus.WARNING, "starttls-refused", where, where
                    + " offers STARTTLS but refuses it" + detail + ": mail to it travels in the clear."));
            case HANDSHAKE_FAILED -> out.add(new CheckAdvice(CheckStatus.WARNING, "handshake-failed", where,
                    "The TLS handshake with " + where + " fails" + detail + ": senders retry in the clear."));
            case SKIPPED -> out.add(new CheckAdvice(CheckStatus.UNKNOWN, "skipped", where, where
                    + " was not contacted" + detail + "."));
            case TLS_ESTABLISHED -> {
            }
            default -> out.add(new CheckAdvice(CheckStatus.WARNING, "unreachable", where, where
                    + " could not be checked: " + o.key() + detail + ". Senders try the next MX host."));
        }
    }

    private static void dane(CheckedAddress a, String where, TlsaLookup tlsa, CheckStatus severity,
                             Set<String> done, List<CheckAdvice> out) {
        ProbeResult p = a.probe();
        DaneResult dane = p.dane();
        if (dane == null || tlsa == null) {
            return;
        }
        String at = "_25._tcp." + (tlsa.base() == null ? p.mxHost() : tlsa.base());
        if (dane.allCertificates() == KeyCoverage.PARTIAL && done.add("partial|" + p.mxHost() + "|" + p.ip())) {
            out.add(partialKeys(p, where, at));
        }
        switch (dane.status()) {
            case BOGUS -> {
                if (done.add("bogus|" + p.mxHost())) {
                    out.add(new CheckAdvice(severity, "tlsa-bogus", p.mxHost(), "The TLSA lookup at " + at
                            + " fails (" + dane.reason() + "): DANE senders defer all mail to " + p.mxHost()
                            + ". Fix the zone's signatures or its delegation."));
                }
            }
            case MISMATCH -> {
                if (dane.because(DaneReason.Key.NO_TLS)) {
                    out.add(new CheckAdvice(severity, "dane-no-tls", where, "TLSA records are published at " + at
                            + ", but " + where + " offers no TLS: DANE senders will not deliver to it."));
                } else {
                    String ta = dane.because(DaneReason.Key.DANE_TA_NOT_SENT) ? " A 2 x x record names a CA that "
                            + "the server must send in its chain (RFC 7672 section 3.1.2); it sends only its own "
                            + "certificate." : "";
                    out.add(new CheckAdvice(severity, "tlsa-mismatch", where, "No TLSA record at " + at
                            + " matches the certificate " + where + " presents (" + dane.reason()
                            + "): DANE senders will not deliver to it." + ta + " The record that would match: "
                            + wouldMatch(a) + "."));
                }
            }
            case UNUSABLE_ONLY -> {
                if (done.add("unusable|" + p.mxHost())) {
                    out.add(new CheckAdvice(CheckStatus.WARNING, "tlsa-unusable", p.mxHost(), "Every TLSA record at "
                            + at + " is unusable for SMTP (usages 0 and 1 and unknown parameters, RFC 7672 section "
                            + "3.1.3): DANE senders insist on TLS but authenticate nothing. Publish " + wouldMatch(a)
                            + "."));
                }
            }
            case VALID -> {
                List<TlsaRecord> usable = tlsa.records().stream().filter(TlsaRecord::usable).toList();
                if (usable.size() == 1 && usable.get(0).usage() == 3 && done.add("rollover|" + p.mxHost())) {
                    TlsaRecord r = usable.get(0);
                    out.add(new CheckAdvice(CheckStatus.WARNING, "tlsa-no-rollover", p.mxHost(), "The TLSA RRset at "
                            + at + " holds a single record (" + r.usage() + " " + r.selector() + " " + r.matching()
                            + ") and no second one: a new key breaks DANE delivery until DNS catches up. Before a key "
                            + "change publish the next key's 3 1 1 beside it, or add a 2 1 1 for the issuing CA."));
                }
            }
            case NONE -> {
            }
        }
    }

    /**
     * A dual-key server whose TLSA records match some of its certificates: which senders get which
     * key (a server presents the key the client's signature algorithms ask for), and the records
     * that would cover the others.
     */
    private static CheckAdvice partialKeys(ProbeResult p, String where, String at) {
        List<String> matched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (PresentedCertificate c : p.certificates()) {
            String name = c.keyType().key().toUpperCase(Locale.ROOT);
            if (c.dane() != null && c.dane().status() == DaneStatus.VALID) {
                matched.add(name);
            } else {
                missing.add(name);
                records.add("3 1 1 " + spkiSha256(c) + " (" + name + ")");
            }
        }
        return new CheckAdvice(CheckStatus.WARNING, "tlsa-partial-keys", where, "The TLSA records at " + at
                + " match the " + String.join(" and ", matched) + " certificate of " + where + " but not its "
                + String.join(" and ", missing) + " certificate. The server presents the key a sender's signature "
                + "algorithms ask for: senders that offer ECDSA get the ECDSA one (most current MTAs), senders that "
                + "offer only RSA get the RSA one; DANE senders that get a certificate no record matches do not "
                + "deliver. Publish " + String.join(", ", records) + " beside the existing records.");
    }

    /** The SHA-256 of a presented leaf's public key, as a 3 1 1 record carries it. */
    private static String spkiSha256(PresentedCertificate c) {
        CertificateFacts leaf = Certificates.leafFacts(c);
        return leaf == null ? "(the certificate could not be read)" : leaf.spkiSha256();
    }

    /** The 3 1 1 record for the leaf the server presents (what {@code --tlsa} prints first). */
    private static String wouldMatch(CheckedAddress a) {
        if (a.chain().isEmpty()) {
            return "none (no certificate was presented)";
        }
        return "3 1 1 " + a.chain().get(0).spkiSha256();
    }

    /** @param stsPolicy whether an MTA-STS policy in enforce or testing mode covers the domain */
    private static void certificate(CheckedAddress a, String where, TlsaLookup tlsa, boolean stsPolicy, Instant now,
                                    List<CheckAdvice> out) {
        if (a.chain().isEmpty()) {
            return;
        }
        CertificateFacts leaf = a.chain().get(0);
        ProbeResult p = a.probe();
        boolean daneValid = p.dane() != null && p.dane().status() == DaneStatus.VALID;
        Duration left = Duration.between(now, leaf.notAfter());
        if (!left.isNegative() && left.compareTo(EXPIRY_WARNING) <= 0 && now.isAfter(leaf.notBefore())) {
            out.add(new CheckAdvice(CheckStatus.WARNING, "cert-expiring", where, "The certificate of " + where
                    + " expires on " + DAY.format(leaf.notAfter()) + " (in " + left.toDays() + " days). "
                    + renewal(a, tlsa)));
        }
        if (a.pkixLevel() == Level.VERIFIED) {
            return;
        }
        String why = a.pkixLevel() == Level.TRUSTED ? "it does not name " + p.mxHost()
                : a.pkixReason() == null ? "it does not verify" : a.pkixReason();
        // with an MTA-STS policy in force its advice says what those senders make of it; DANE needs no web PKI
        if (!stsPolicy && !daneValid) {
            out.add(new CheckAdvice(CheckStatus.WARNING, "cert-untrusted", where, "The certificate of " + where
                    + " fails web PKI (" + why + "): opportunistic senders deliver anyway, verifying ones do not. "
                    + "Use a certificate from a public CA that names " + p.mxHost() + ", or publish DANE TLSA records."));
        }
    }

    /** Whether the TLSA records that match now will match after a renewal that keeps the key. */
    private static String renewal(CheckedAddress a, TlsaLookup tlsa) {
        List<TlsaMatch> matched = a.tlsa().stream().filter(m -> m.usable() && m.reason() == null).toList();
        if (tlsa == null || matched.isEmpty()) {
            return "No DANE record depends on it.";
        }
        List<String> survive = new ArrayList<>();
        List<String> breaks = new ArrayList<>();
        for (TlsaMatch m : matched) {
            String[] f = m.record().split(" ");
            String shortText = f[0] + " " + f[1] + " " + f[2];
            if (f[0].equals("2")) {
                survive.add(shortText + " (the issuing CA: as long as the same CA signs the new certificate)");
            } else if (f[1].equals("1")) {
                survive.add(shortText);
            } else {
                breaks.add(shortText);
            }
        }
        StringBuilder s = new StringBuilder();
        if (!survive.isEmpty()) {
            s.append("The published TLSA ").append(String.join(", ", survive))
                    .append(" survives a renewal that keeps the key.");
        }
        if (!breaks.isEmpty()) {
            s.append(s.isEmpty() ? "" : " ").append("The published TLSA ").append(String.join(", ", breaks))
                    .append(" matches the whole certificate and breaks at any renewal: publish the renewed "
                            + "certificate's record beside it first, or switch to 3 1 1.");
        }
        return s.toString();
    }

    private static void domainSummary(String d, DnsResult dns, List<CheckedAddress> addresses, DomainResult verdict,
                                      List<CheckAdvice> out) {
        List<ProbeResult> probed = addresses.stream().map(CheckedAddress::probe)
                .filter(p -> p.outcome() != ProbeOutcome.SKIPPED).toList();
        boolean anyAddress = dns.mxHosts().stream().anyMatch(h -> !h.addresses().isEmpty());
        if (!anyAddress) {
            out.add(new CheckAdvice(CheckStatus.CRITICAL, "no-host-address", d, "No MX host of " + d
                    + " has an address: mail to it cannot be delivered."));
        } else if (!probed.isEmpty() && probed.stream().allMatch(p -> p.level() == Level.UNREACHABLE)) {
            out.add(new CheckAdvice(CheckStatus.CRITICAL, "no-host-reachable", d, "No MX host of " + d
                    + " could be checked over SMTP: mail to it waits in senders' queues."));
        } else if (!probed.isEmpty() && probed.stream().noneMatch(p -> p.level() != null && p.level().hasTls())) {
            out.add(new CheckAdvice(CheckStatus.CRITICAL, "no-starttls-anywhere", d, "No MX host of " + d
                    + " establishes TLS: all mail to it travels in the clear."));
        }
        // MX hosts that disagree: a sender uses any of them, so the domain is as strong as the weakest
        Map<String, String> byHost = new LinkedHashMap<>();
        for (ProbeResult p : probed) {
            String dane = p.dane() == null ? "none" : p.dane().status().key();
            String level = p.level() == null ? "-" : p.level().key();
            byHost.merge(p.mxHost(), level + (p.dane() != null && !"none".equals(dane) ? ", DANE " + dane : ""),
                    (x, y) -> x.equals(y) ? x : x + " / " + y);
        }
        if (new LinkedHashSet<>(byHost.values()).size() > 1) {
            List<String> parts = new ArrayList<>();
            byHost.forEach((h, v) -> parts.add(h + " " + v));
            out.add(new CheckAdvice(CheckStatus.WARNING, "mx-disagree", d, "The MX hosts of " + d + " disagree: "
                    + String.join("; ", parts) + ". Senders use any of them, so mail is only as safe as with the "
                    + "weakest."));
        }
        MtaStsTxt sts = dns.mtaSts();
        if (sts != null) {
            switch (sts.status()) {
                case MALFORMED -> out.add(new CheckAdvice(CheckStatus.WARNING, "mta-sts-malformed", d, "The MTA-STS "
                        + "record at _mta-sts." + d + " is malformed (" + sts.reason() + "): senders ignore it and "
                        + "MTA-STS does not protect " + d + ". It must read \"v=STSv1; id=<1 to 32 letters or "
                        + "digits>;\" (RFC 8461 section 3.1)."));
                case MULTIPLE -> out.add(new CheckAdvice(CheckStatus.WARNING, "mta-sts-multiple", d, "_mta-sts." + d
                        + " holds " + sts.records().size() + " MTA-STS records: senders treat that as no policy "
                        + "(RFC 8461 section 3.1). Keep exactly one."));
                case LOOKUP_FAILED -> out.add(new CheckAdvice(CheckStatus.WARNING, "mta-sts-lookup-failed", d,
                        "The MTA-STS record of " + d + " could not be looked up (" + sts.reason() + ")."));
                default -> {
                }
            }
        }
    }

    private static TlsaLookup tlsaOf(DnsResult dns, String mxHost) {
        return dns.mxHosts().stream().filter(h -> h.name().equals(mxHost)).map(MxHost::tlsa)
                .filter(Objects::nonNull).findFirst().orElse(null);
    }
}
