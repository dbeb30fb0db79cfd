package io.mxray.lab;

import static io.mxray.lab.HostSpec.host;
import static io.mxray.lab.ServerSpec.noStarttls;
import static io.mxray.lab.ServerSpec.refusing;
import static io.mxray.lab.ServerSpec.starttls;
import static io.mxray.lab.TlsaSpec.Target.LAB_CA;
import static io.mxray.lab.TlsaSpec.Target.LEAF;
import static io.mxray.lab.TlsaSpec.Target.LEAF_RSA;
import static io.mxray.lab.TlsaSpec.Target.OTHER_KEY;
import static io.mxray.lab.TlsaSpec.Target.PRIVATE_CA;
import static io.mxray.schema.CertType.CA_NAME_MISMATCH;
import static io.mxray.schema.CertType.CA_VALID;
import static io.mxray.schema.CertType.DANE_ONLY;
import static io.mxray.schema.CertType.EXPIRED;
import static io.mxray.schema.CertType.NOT_YET_VALID;
import static io.mxray.schema.CertType.SELF_SIGNED;
import static io.mxray.schema.CertType.UNTRUSTED_ISSUER;
import static io.mxray.schema.DaneStatus.BOGUS;
import static io.mxray.schema.DaneStatus.MISMATCH;
import static io.mxray.schema.DaneStatus.UNUSABLE_ONLY;
import static io.mxray.schema.DaneStatus.VALID;
import static io.mxray.schema.DnssecStatus.INSECURE;
import static io.mxray.schema.DnssecStatus.SECURE;
import static io.mxray.schema.Level.PLAINTEXT;
import static io.mxray.schema.Level.TLS_FAILED;
import static io.mxray.schema.Level.TRUSTED;
import static io.mxray.schema.Level.UNREACHABLE;
import static io.mxray.schema.Level.UNTRUSTED;
import static io.mxray.schema.Level.VERIFIED;
import io.mxray.lab.dns.Fault;
import io.mxray.lab.dns.ZoneSpec.Security;
import io.mxray.lab.dns.ZoneSpec;
import io.mxray.schema.CertType;
import io.mxray.schema.Delivery;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.KeyCoverage;
import io.mxray.schema.Level;
import io.mxray.schema.PolicyStatus;
import io.mxray.schema.StsDelivery;
import io.mxray.schema.TxtStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Type;

/**
 * The lab's scenario catalogue. Each scenario states its setup and, by hand, the verdict a
 * correct scanner must reach; the ground-truth file is written from these declarations.
 *
 * <p>Top-level domains: {@code test} (signed, ECDSA P-256, NSEC), {@code example} (signed,
 * RSA/SHA-256, NSEC3) and {@code lab} (unsigned); the root is signed with its own KSK and ZSK.
 */
public final class Scenarios {
    /** The lab's main top-level domain (RFC 6761 reserves {@code test}). */
    public static final String TLD = "test";
    /** The top-level domains and how they are secured. */
    public static final List<ZoneSpec> TLDS = List.of(ZoneSpec.of("test", Security.ECDSA_NSEC),
            ZoneSpec.of("example", Security.RSA_NSEC3), ZoneSpec.of("lab", Security.UNSIGNED),
            // like .com: NSEC3 with opt-out, so that its unsigned delegations have no NSEC3 of their own
            ZoneSpec.of("optout", Security.ECDSA_NSEC3_OPT_OUT));

    private static final String TLS = "tls-established";
    /** A host reached at once; the defaults a correct scanner needs a few seconds for at most. */
    private static final int QUICK = 10;

    private Scenarios() {
    }

    private static HostSpec verified(String name) {
        return host(name, starttls(CertSpec.LAB_CA_VALID), VERIFIED, CA_VALID, TLS);
    }

    private static HostSpec tlsHost(String name, CertSpec cert, Level level,
                                    CertType type) {
        return host(name, starttls(cert), level, type, TLS);
    }

    /** A domain {@code <name>.test} in its own signed zone, with one MX host {@code mx.<domain>}. */
    private static Scenario single(String name, String family, String description, HostSpec host) {
        String domain = name + "." + TLD;
        return new Scenario(name, family, description, domain, List.of(ZoneSpec.of(domain, Security.ECDSA_NSEC)),
                Scenario.Mail.MX, DnsOutcome.MX, SECURE, List.of(new Scenario.Mx(10, host)));
    }

    private static Scenario zoned(String name, String family, String description, String domain, List<ZoneSpec> zones,
                                  DnssecStatus mxDnssec, Scenario.Mx... mx) {
        return new Scenario(name, family, description, domain, zones, Scenario.Mail.MX, DnsOutcome.MX, mxDnssec,
                List.of(mx));
    }

    private static Scenario.Mx mx(int preference, HostSpec host) {
        return new Scenario.Mx(preference, host);
    }

    /**
     * {@code hostile-subject.test}: verified, its certificate's subject carrying markup
     * ({@link CertSpec#HOSTILE_SUBJECT}); for the tests of the pages that show certificates. Not in
     * the catalogue.
     */
    public static Scenario hostileSubject() {
        return single("hostile-subject", "tls", "a lab-CA certificate naming the MX host, markup in its subject",
                tlsHost("mx.hostile-subject.test", CertSpec.HOSTILE_SUBJECT, VERIFIED, CA_VALID));
    }

    /** The catalogue and the hostile family ({@link HostileScenarios}). */
    public static List<Scenario> withHostile() {
        List<Scenario> all = new ArrayList<>(catalogue());
        all.addAll(HostileScenarios.all());
        return all;
    }

    /** Every scenario, in a stable order. */
    public static List<Scenario> catalogue() {
        List<Scenario> all = new ArrayList<>();
        all.addAll(dns());
        all.addAll(tls());
        all.addAll(dane());
        all.addAll(behaviour());
        all.addAll(sharing());
        all.addAll(policies());
        all.addAll(mtaSts());
        return all;
    }

    /**
     * What a scenario becomes when the lab switches it: the same domain with another
     * configuration and its own declared verdicts, for tests of history across scans (a lab built
     * from {@link #catalogueSwitching} answers for the switched domains as the variants say).
     * Each variant changes exactly one property a scan comparison names.
     */
    public static Map<String, Scenario> switchable() {
        Map<String, Scenario> out = new LinkedHashMap<>();
        // loses STARTTLS (and with it a valid certificate)
        out.put("tls-valid", single("tls-valid", "tls", "switched: STARTTLS withdrawn",
                host("mx.tls-valid.test", noStarttls(), PLAINTEXT, null, "no-starttls")));
        // gains a valid certificate
        out.put("self-signed", single("self-signed", "tls", "switched: a lab-CA certificate replaces the self-signed one",
                verified("mx.self-signed.test")));
        // loses DANE: the TLSA record is withdrawn
        out.put("dane-ee-311", single("dane-ee-311", "dane", "switched: TLSA record withdrawn",
                tlsHost("mx.dane-ee-311.test", CertSpec.SELF_SIGNED, UNTRUSTED, SELF_SIGNED)));
        // steps back from enforce to testing, with a new policy id
        out.put("sts-enforce", single("sts-enforce", "mta-sts", "switched: the policy is in testing mode now",
                verified("mx.sts-enforce.test"))
                .withPolicies(new Scenario.Policies(List.of("v=STSv1; id=20261203T000000;"), TxtStatus.VALID, List.of(),
                        TxtStatus.NONE).serving(PolicySpec.serving(PolicySpec.policy("testing", "mx.sts-enforce.test")),
                        delivering("mx.sts-enforce.test"))));
        // gains DNSSEC: the zone is signed
        out.put("unsigned", zoned("unsigned", "dns", "switched: the zone is signed now", "unsigned.test",
                List.of(ZoneSpec.of("unsigned.test", Security.ECDSA_NSEC)), SECURE, mx(10, verified("mx.unsigned.test"))));
        return out;
    }

    /** The catalogue with these scenarios switched ({@link #switchable}). */
    public static List<Scenario> catalogueSwitching(Set<String> names) {
        Map<String, Scenario> variants = switchable();
        if (!variants.keySet().containsAll(names)) {
            throw new IllegalArgumentException("not switchable: " + names);
        }
        return catalogue().stream().map(s -> names.contains(s.name()) ? variants.get(s.name()) : s).toList();
    }

    /** The first catalogue, kept for the DNS tests that only need a few domains. */
    public static List<Scenario> basic() {
        return catalogue().stream().filter(s -> List.of("tls-valid", "no-starttls", "self-signed", "expired",
                "not-yet-valid", "wrong-name", "refused", "no-address", "two-mx", "shared-a", "shared-b", "null-mx",
                "implicit-mx", "nxdomain").contains(s.name())).toList();
    }

    static List<Scenario> dns() {
        ZoneSpec provider = ZoneSpec.of("provider.test", Security.ECDSA_NSEC);
        return List.of(
                single("signed", "dns", "signed zone (ECDSA P-256, NSEC) under a signed TLD", verified("mx.signed.test")),
                zoned("signed-rsa", "dns", "signed zone (RSA/SHA-256, NSEC3) under a signed TLD", "signed-rsa.example",
                        List.of(ZoneSpec.of("signed-rsa.example", Security.RSA_NSEC3)), SECURE,
                        mx(10, verified("mx.signed-rsa.example"))),
                zoned("signed-nsec3", "dns", "signed zone (ECDSA P-256, NSEC3)", "signed-nsec3.test",
                        List.of(ZoneSpec.of("signed-nsec3.test", Security.ECDSA_NSEC3)), SECURE,
                        mx(10, verified("mx.signed-nsec3.test"))),
                zoned("unsigned", "dns", "unsigned zone under a signed TLD (NSEC proves there is no DS)", "unsigned.test",
                        List.of(ZoneSpec.of("unsigned.test", Security.UNSIGNED)), INSECURE,
                        mx(10, verified("mx.unsigned.test").expecting(e -> e.dnssec(INSECURE)))),
                zoned("island", "dns", "signed zone under an unsigned parent: an island of security, insecure",
                        "island.plain-parent.test", List.of(ZoneSpec.of("plain-parent.test", Security.UNSIGNED),
                                ZoneSpec.of("island.plain-parent.test", Security.ISLAND)), INSECURE,
                        mx(10, verified("mx.island.plain-parent.test").expecting(e -> e.dnssec(INSECURE)))),
                zoned("bogus-mx", "dns", "the MX RRset's signature is broken: bogus", "bogus-mx.test",
                        List.of(ZoneSpec.of("bogus-mx.test", Security.ECDSA_NSEC)
                                .withFault("bogus-mx.test", Type.MX, Fault.BROKEN_SIGNATURE)), DnssecStatus.BOGUS,
                        mx(10, verified("mx.bogus-mx.test"))),
                zoned("expired-rrsig", "dns", "the MX RRset's signature expired a day ago: bogus", "expired-rrsig.test",
                        List.of(ZoneSpec.of("expired-rrsig.test", Security.ECDSA_NSEC)
                                .withFault("expired-rrsig.test", Type.MX, Fault.EXPIRED_SIGNATURE)), DnssecStatus.BOGUS,
                        mx(10, verified("mx.expired-rrsig.test"))),
                new Scenario("nxdomain", "dns", "the domain does not exist, proven by NSEC: secure NXDOMAIN",
                        "nxdomain.test", List.of(), Scenario.Mail.NONE, DnsOutcome.NXDOMAIN, SECURE, List.of()),
                new Scenario("nxdomain-nsec3", "dns", "the domain does not exist, proven by NSEC3 (RSA TLD)",
                        "nxdomain.example", List.of(), Scenario.Mail.NONE, DnsOutcome.NXDOMAIN, SECURE, List.of()),
                new Scenario("nxdomain-insecure", "dns", "the domain does not exist under an unsigned TLD: insecure",
                        "nxdomain.lab", List.of(), Scenario.Mail.NONE, DnsOutcome.NXDOMAIN, INSECURE, List.of()),
                new Scenario("null-mx", "dns", "null MX (RFC 7505): accepts no mail", "null-mx.test",
                        List.of(ZoneSpec.of("null-mx.test", Security.ECDSA_NSEC)), Scenario.Mail.NULL_MX,
                        DnsOutcome.NULL_MX, SECURE, List.of()),
                new Scenario("implicit-mx", "dns", "no MX, an address at the domain: implicit MX", "implicit-mx.test",
                        List.of(ZoneSpec.of("implicit-mx.test", Security.ECDSA_NSEC)), Scenario.Mail.IMPLICIT,
                        DnsOutcome.IMPLICIT_MX, SECURE, List.of(mx(0, verified("implicit-mx.test")))),
                single("no-address", "dns", "the MX host name has no address records (secure NXDOMAIN)",
                        HostSpec.withoutAddress("mx.no-address.test")),
                zoned("cname-mx", "dns", "the MX host is a CNAME to a provider's host (both zones signed)",
                        "cname-mx.test", List.of(ZoneSpec.of("cname-mx.test", Security.ECDSA_NSEC), provider), SECURE,
                        mx(10, verified("mx.cname-mx.test").cnameTo("in.provider.test"))),
                zoned("unsigned-mx-host", "dns", "signed domain whose MX host lies in an unsigned child zone",
                        "mixed.test", List.of(ZoneSpec.of("mixed.test", Security.ECDSA_NSEC),
                                ZoneSpec.of("sub.mixed.test", Security.UNSIGNED)), SECURE,
                        mx(10, verified("mx.sub.mixed.test").expecting(e -> e.dnssec(INSECURE)))),
                zoned("two-mx", "mx", "two MX hosts of different quality: verified and plaintext", "two-mx.test",
                        List.of(ZoneSpec.of("two-mx.test", Security.ECDSA_NSEC)), SECURE,
                        mx(10, verified("mx1.two-mx.test")),
                        mx(20, host("mx2.two-mx.test", noStarttls(), PLAINTEXT, null, "no-starttls"))),
                zoned("three-mx", "mx", "three MX hosts at preferences 5, 10, 20", "three-mx.test",
                        List.of(ZoneSpec.of("three-mx.test", Security.ECDSA_NSEC)), SECURE,
                        mx(20, host("c.three-mx.test", noStarttls(), PLAINTEXT, null, "no-starttls")),
                        mx(5, verified("a.three-mx.test")),
                        mx(10, tlsHost("b.three-mx.test", CertSpec.WRONG_NAME, TRUSTED, CA_NAME_MISMATCH))),
                single("ipv6-only", "dns", "the MX host has only an IPv6 address (::1)",
                        verified("mx.ipv6-only.test").ipv6Loopback()),
                zoned("missing-rrsig", "dns", "the MX RRset comes without a signature in a signed zone: bogus",
                        "missing-rrsig.test", List.of(ZoneSpec.of("missing-rrsig.test", Security.ECDSA_NSEC)
                                .withFault("missing-rrsig.test", Type.MX, Fault.MISSING_SIGNATURE)), DnssecStatus.BOGUS,
                        mx(10, verified("mx.missing-rrsig.test"))),
                zoned("dnskey-expired", "dns", "the signature over the zone's DNSKEY RRset expired: the whole zone is bogus",
                        "dnskey-expired.test", List.of(ZoneSpec.of("dnskey-expired.test", Security.ECDSA_NSEC)
                                .withFault("dnskey-expired.test", Type.DNSKEY, Fault.EXPIRED_SIGNATURE)), DnssecStatus.BOGUS,
                        mx(10, verified("mx.dnskey-expired.test").expecting(e -> e.dnssec(DnssecStatus.BOGUS).dane(BOGUS)))),
                zoned("wrong-ds", "dns", "the parent's DS names a key the zone does not have: the whole zone is bogus",
                        "wrong-ds.test", List.of(ZoneSpec.of("wrong-ds.test", Security.WRONG_DS)), DnssecStatus.BOGUS,
                        mx(10, verified("mx.wrong-ds.test").expecting(e -> e.dnssec(DnssecStatus.BOGUS).dane(BOGUS)))),
                zoned("unknown-algorithm", "dns", "the parent's DS is of an algorithm no validator implements: insecure",
                        "unknown-algorithm.test", List.of(ZoneSpec.of("unknown-algorithm.test", Security.UNKNOWN_ALGORITHM_DS)),
                        INSECURE, mx(10, verified("mx.unknown-algorithm.test").expecting(e -> e.dnssec(INSECURE)))),
                new Scenario("broken-denial", "dns", "the domain does not exist, but the NSEC that says so has a broken "
                        + "signature: bogus NXDOMAIN", "gone.broken-denial.test",
                        List.of(ZoneSpec.of("broken-denial.test", Security.ECDSA_NSEC)
                                .withFault("broken-denial.test", Type.NSEC, Fault.BROKEN_SIGNATURE)),
                        Scenario.Mail.NONE, DnsOutcome.NXDOMAIN, DnssecStatus.BOGUS, List.of()),
                new Scenario("wildcard-mx", "dns", "the MX answer is synthesized from a wildcard *.wildcard-mx.test, "
                        + "proven by NSEC: secure", "any.wildcard-mx.test",
                        List.of(ZoneSpec.of("wildcard-mx.test", Security.ECDSA_NSEC)), Scenario.Mail.WILDCARD_MX,
                        DnsOutcome.MX, SECURE, List.of(mx(10, verified("mx.wildcard-mx.test")))),
                new Scenario("wildcard-mx-nsec3", "dns", "the MX answer is synthesized from a wildcard, proven by NSEC3: "
                        + "secure", "any.wildcard-nsec3.test",
                        List.of(ZoneSpec.of("wildcard-nsec3.test", Security.ECDSA_NSEC3)), Scenario.Mail.WILDCARD_MX,
                        DnsOutcome.MX, SECURE, List.of(mx(10, verified("mx.wildcard-nsec3.test")))),
                zoned("optout-unsigned", "dns", "unsigned zone under an opt-out TLD: an opt-out NSEC3 span covers it, "
                        + "insecure", "unsigned.optout", List.of(ZoneSpec.of("unsigned.optout", Security.UNSIGNED)),
                        INSECURE, mx(10, verified("mx.unsigned.optout").expecting(e -> e.dnssec(INSECURE)))),
                new Scenario("optout-nxdomain", "dns", "the domain does not exist, but the NSEC3 span that says so is "
                        + "opt-out: an unsigned delegation could hide there, insecure (RFC 5155 9.2)", "nxdomain.optout",
                        List.of(), Scenario.Mail.NONE, DnsOutcome.NXDOMAIN, INSECURE, List.of()),
                zoned("optout-signed", "dns", "signed zone under an opt-out TLD (the DS has its NSEC3 entry)",
                        "signed.optout", List.of(ZoneSpec.of("signed.optout", Security.ECDSA_NSEC)), SECURE,
                        mx(10, verified("mx.signed.optout"))),
                zoned("dname-mx", "dns", "the MX host lies under a signed DNAME (RFC 6672): the synthesized CNAME "
                        + "is unsigned, the DNAME proves it", "dname-mx.test",
                        List.of(ZoneSpec.of("dname-mx.test", Security.ECDSA_NSEC)), SECURE,
                        mx(10, verified("mx.old.dname-mx.test").dnameTo("mx.new.dname-mx.test"))));
    }

    static List<Scenario> tls() {
        return List.of(
                single("tls-valid", "tls", "STARTTLS with a lab-CA certificate naming the MX host (ECDSA)",
                        verified("mx.tls-valid.test").expecting(e -> e.accepting("TLSv1.3", "TLSv1.2"))),
                single("tls-rsa", "tls", "STARTTLS with a lab-CA certificate with an RSA-2048 key",
                        tlsHost("mx.tls-rsa.test", CertSpec.LAB_CA_RSA, VERIFIED, CA_VALID)),
                single("wildcard", "tls", "STARTTLS with a wildcard certificate *.wildcard.test",
                        tlsHost("mx.wildcard.test", CertSpec.WILDCARD, VERIFIED, CA_VALID)),
                single("intermediate", "tls", "leaf from an intermediate CA, sent with the intermediate",
                        tlsHost("mx.intermediate.test", CertSpec.INTERMEDIATE_CHAIN, VERIFIED, CA_VALID)),
                single("missing-intermediate", "tls", "leaf from an intermediate CA, intermediate not sent",
                        tlsHost("mx.missing-intermediate.test", CertSpec.MISSING_INTERMEDIATE, UNTRUSTED,
                                UNTRUSTED_ISSUER)),
                single("self-signed", "tls", "STARTTLS with a self-signed certificate",
                        tlsHost("mx.self-signed.test", CertSpec.SELF_SIGNED, UNTRUSTED, SELF_SIGNED)),
                single("expiring-soon", "tls", "STARTTLS with a lab-CA certificate that is valid but expires in 10 days",
                        host("mx.expiring-soon.test", starttls(CertSpec.EXPIRING_SOON), VERIFIED, CA_VALID, TLS)),
                single("expired", "tls", "STARTTLS with a lab-CA certificate that expired 30 days ago",
                        tlsHost("mx.expired.test", CertSpec.EXPIRED, UNTRUSTED, EXPIRED)),
                single("not-yet-valid", "tls", "STARTTLS with a lab-CA certificate valid from 30 days on",
                        tlsHost("mx.not-yet-valid.test", CertSpec.NOT_YET_VALID, UNTRUSTED, NOT_YET_VALID)),
                single("wrong-name", "tls", "STARTTLS with a lab-CA certificate for another name",
                        tlsHost("mx.wrong-name.test", CertSpec.WRONG_NAME, TRUSTED, CA_NAME_MISMATCH)),
                single("tls12-only", "tls", "the server accepts TLS 1.2 only",
                        host("mx.tls12-only.test", starttls(CertSpec.LAB_CA_VALID).versions(ServerSpec.TlsVersions.TLS12_ONLY),
                                VERIFIED, CA_VALID, TLS).expecting(e -> e.protocol("TLSv1.2").accepting("TLSv1.2"))),
                single("tls13-only", "tls", "the server accepts TLS 1.3 only",
                        host("mx.tls13-only.test", starttls(CertSpec.LAB_CA_VALID).versions(ServerSpec.TlsVersions.TLS13_ONLY),
                                VERIFIED, CA_VALID, TLS).expecting(e -> e.protocol("TLSv1.3").accepting("TLSv1.3"))),
                single("tls10-only", "tls", "the server accepts TLS 1.0 only: legacy, measured rather than failed",
                        host("mx.tls10-only.test", starttls(CertSpec.LAB_CA_VALID).versions(ServerSpec.TlsVersions.TLS10_ONLY),
                                VERIFIED, CA_VALID, TLS).expecting(e -> e.protocol("TLSv1").accepting("TLSv1"))),
                single("tls-all-versions", "tls", "the server accepts TLS 1.3, 1.2, and still 1.1 and 1.0",
                        host("mx.tls-all-versions.test", starttls(CertSpec.LAB_CA_VALID)
                                .versions(ServerSpec.TlsVersions.TLS10_TO_13), VERIFIED, CA_VALID, TLS)
                                .expecting(e -> e.protocol("TLSv1.3").accepting("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"))),
                single("tls11-newest", "tls", "the server accepts TLS 1.1 and 1.0, nothing newer",
                        host("mx.tls11-newest.test", starttls(CertSpec.LAB_CA_VALID)
                                .versions(ServerSpec.TlsVersions.TLS10_AND_11), VERIFIED, CA_VALID, TLS)
                                .expecting(e -> e.protocol("TLSv1.1").accepting("TLSv1.1", "TLSv1"))),
                single("no-starttls", "tls", "EHLO does not offer STARTTLS",
                        host("mx.no-starttls.test", noStarttls(), PLAINTEXT, null, "no-starttls")),
                single("starttls-refused", "tls", "STARTTLS offered, then refused with 454",
                        host("mx.starttls-refused.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.STARTTLS_454),
                                PLAINTEXT, null, "starttls-refused")),
                single("handshake-failure", "tls", "STARTTLS accepted, then the server answers with bytes that are not TLS",
                        host("mx.handshake-failure.test", starttls(CertSpec.LAB_CA_VALID)
                                .behaving(Behavior.HANDSHAKE_GARBAGE), TLS_FAILED, null, "handshake-failed")));
    }

    static List<Scenario> dane() {
        return List.of(
                single("dane-ee-311", "dane", "TLSA 3 1 1 matching a self-signed certificate",
                        tlsHost("mx.dane-ee-311.test", CertSpec.SELF_SIGNED, VERIFIED, DANE_ONLY)
                                .tlsa(TlsaSpec.of(3, 1, 1, LEAF)).expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                single("dane-ee-301-expired", "dane", "TLSA 3 0 1 matching an expired certificate (DANE-EE ignores dates)",
                        tlsHost("mx.dane-ee-301-expired.test", CertSpec.SELF_SIGNED_EXPIRED, VERIFIED, DANE_ONLY)
                                .tlsa(TlsaSpec.of(3, 0, 1, LEAF)).expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                single("dane-ee-312", "dane", "TLSA 3 1 2 (SHA-512) matching",
                        tlsHost("mx.dane-ee-312.test", CertSpec.SELF_SIGNED, VERIFIED, DANE_ONLY)
                                .tlsa(TlsaSpec.of(3, 1, 2, LEAF)).expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                single("dane-ee-310", "dane", "TLSA 3 1 0 (the full public key) matching",
                        tlsHost("mx.dane-ee-310.test", CertSpec.SELF_SIGNED, VERIFIED, DANE_ONLY)
                                .tlsa(TlsaSpec.of(3, 1, 0, LEAF)).expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                single("dane-ta-labca-201", "dane", "TLSA 2 0 1 on the lab CA, which the server sends in its chain",
                        tlsHost("mx.dane-ta-labca-201.test", CertSpec.LAB_CA_WITH_ROOT, VERIFIED, CA_VALID)
                                .tlsa(TlsaSpec.of(2, 0, 1, LAB_CA)).expecting(e -> e.dane(VALID))),
                single("dane-ta-labca-leaf-only", "dane", "TLSA 2 0 1 on the lab CA, the server sends only its leaf: "
                                + "DANE fails, and a DANE sender does not fall back to the web PKI, which the "
                                + "leaf passes",
                        verified("mx.dane-ta-labca-leaf-only.test").tlsa(TlsaSpec.of(2, 0, 1, LAB_CA))
                                .expecting(e -> e.dane(MISMATCH).underDane(UNTRUSTED, VERIFIED))),
                single("dane-ta-201", "dane", "TLSA 2 0 1 on a private CA, which the server sends in its chain",
                        tlsHost("mx.dane-ta-201.test", CertSpec.PRIVATE_CA_CHAIN, VERIFIED, DANE_ONLY)
                                .tlsa(TlsaSpec.of(2, 0, 1, PRIVATE_CA)).expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                single("dane-ta-leaf-only", "dane", "TLSA 2 0 1 on a private CA that the server does not send: fails",
                        tlsHost("mx.dane-ta-leaf-only.test", CertSpec.PRIVATE_CA_LEAF_ONLY, UNTRUSTED, UNTRUSTED_ISSUER)
                                .tlsa(TlsaSpec.of(2, 0, 1, PRIVATE_CA)).expecting(e -> e.dane(MISMATCH))),
                single("dane-mismatch", "dane", "TLSA 3 1 1 for another key, the certificate PKIX-valid: a DANE sender "
                                + "refuses the host (untrusted), it never falls back to the web PKI",
                        verified("mx.dane-mismatch.test").tlsa(TlsaSpec.of(3, 1, 1, OTHER_KEY))
                                .expecting(e -> e.dane(MISMATCH).underDane(UNTRUSTED, VERIFIED))),
                single("dane-rollover", "dane", "two TLSA 3 1 1 records: a stale key and the current one",
                        tlsHost("mx.dane-rollover.test", CertSpec.SELF_SIGNED, VERIFIED, DANE_ONLY)
                                .tlsa(TlsaSpec.of(3, 1, 1, OTHER_KEY), TlsaSpec.of(3, 1, 1, LEAF))
                                .expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                single("dane-unusable", "dane", "only TLSA records of usage 0 and 1, unusable for SMTP (RFC 7672): the "
                                + "level stays the web PKI's",
                        verified("mx.dane-unusable.test").tlsa(TlsaSpec.of(1, 1, 1, LEAF), TlsaSpec.of(0, 0, 1, LAB_CA))
                                .expecting(e -> e.dane(UNUSABLE_ONLY))),
                zoned("dane-bogus", "dane", "the TLSA RRset's signature is broken: a DANE sender defers", "dane-bogus.test",
                        List.of(ZoneSpec.of("dane-bogus.test", Security.ECDSA_NSEC)
                                .withFault("_25._tcp.mx.dane-bogus.test", Type.TLSA, Fault.BROKEN_SIGNATURE)), SECURE,
                        mx(10, verified("mx.dane-bogus.test").tlsa(TlsaSpec.of(3, 1, 1, LEAF))
                                .expecting(e -> e.dane(BOGUS)))),
                zoned("dane-unsigned", "dane", "TLSA in an unsigned zone: ignored", "dane-unsigned.test",
                        List.of(ZoneSpec.of("dane-unsigned.test", Security.UNSIGNED)), INSECURE,
                        mx(10, verified("mx.dane-unsigned.test").tlsa(TlsaSpec.of(3, 1, 1, LEAF))
                                .expecting(e -> e.dnssec(INSECURE)))),
                single("dane-no-starttls", "dane", "TLSA published, but the server offers no STARTTLS",
                        host("mx.dane-no-starttls.test", noStarttls(), PLAINTEXT, null, "no-starttls")
                                .tlsa(TlsaSpec.of(3, 1, 1, OTHER_KEY)).expecting(e -> e.dane(MISMATCH))),
                single("dual-dane-both", "dane", "an ECDSA and an RSA certificate (both PKIX-valid), TLSA 3 1 1 "
                                + "for each key: every sender gets a matching one",
                        tlsHost("mx.dual-dane-both.test", CertSpec.DUAL_ECDSA_RSA, VERIFIED, CA_VALID)
                                .tlsa(TlsaSpec.of(3, 1, 1, LEAF), TlsaSpec.of(3, 1, 1, LEAF_RSA))
                                .expecting(e -> e.dane(VALID).presenting(KeyCoverage.MATCH, "ecdsa", "rsa"))),
                single("dual-dane-ecdsa", "dane", "an ECDSA and an RSA certificate, TLSA 3 1 1 for the ECDSA key only: "
                                + "senders that offer only RSA signatures get a certificate no record matches",
                        tlsHost("mx.dual-dane-ecdsa.test", CertSpec.DUAL_ECDSA_RSA, VERIFIED, CA_VALID)
                                .tlsa(TlsaSpec.of(3, 1, 1, LEAF))
                                .expecting(e -> e.dane(VALID).presenting(KeyCoverage.PARTIAL, "ecdsa", "rsa"))),
                single("dual-dane-rsa", "dane", "an ECDSA and an RSA certificate, TLSA 3 1 1 for the RSA key only: "
                                + "senders that offer ECDSA (most, and mxray's first handshake) get a certificate no "
                                + "record matches",
                        tlsHost("mx.dual-dane-rsa.test", CertSpec.DUAL_ECDSA_RSA, VERIFIED, CA_VALID)
                                .tlsa(TlsaSpec.of(3, 1, 1, LEAF_RSA))
                                .expecting(e -> e.dane(MISMATCH).underDane(UNTRUSTED, VERIFIED)
                                        .presenting(KeyCoverage.PARTIAL, "ecdsa", "rsa"))),
                single("dane-ecdsa-only-key", "dane", "only an ECDSA certificate, TLSA 3 1 1 for it: the second "
                                + "handshake, offering only RSA, fails cleanly and changes nothing",
                        verified("mx.dane-ecdsa-only-key.test").tlsa(TlsaSpec.of(3, 1, 1, LEAF))
                                .expecting(e -> e.dane(VALID).presenting(KeyCoverage.MATCH, "ecdsa"))),
                single("dual-tls12", "tls", "an ECDSA and an RSA certificate, TLS 1.2 only: the cipher suite picks "
                                + "the key, so the second handshake offers only the other key's suites",
                        host("mx.dual-tls12.test", starttls(CertSpec.DUAL_ECDSA_RSA)
                                .versions(ServerSpec.TlsVersions.TLS12_ONLY), VERIFIED, CA_VALID, TLS)
                                .expecting(e -> e.protocol("TLSv1.2").presenting(null, "ecdsa", "rsa"))),
                single("dual-no-dane", "tls", "an ECDSA and an RSA certificate, no TLSA: both captured",
                        tlsHost("mx.dual-no-dane.test", CertSpec.DUAL_ECDSA_RSA, VERIFIED, CA_VALID)
                                .expecting(e -> e.presenting(null, "ecdsa", "rsa"))),
                zoned("dane-two-mx", "dane", "two MX hosts: one DANE-valid, one without TLSA", "dane-two-mx.test",
                        List.of(ZoneSpec.of("dane-two-mx.test", Security.ECDSA_NSEC)), SECURE,
                        mx(10, tlsHost("mx1.dane-two-mx.test", CertSpec.SELF_SIGNED, VERIFIED, DANE_ONLY)
                                .tlsa(TlsaSpec.of(3, 1, 1, LEAF)).expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                        mx(20, verified("mx2.dane-two-mx.test"))));
    }

    static List<Scenario> behaviour() {
        return List.of(
                single("refused", "behaviour", "the MX host refuses connections on port 25",
                        host("mx.refused.test", refusing(), UNREACHABLE, null, "connection-refused")
                                .expecting(e -> e.seconds(1))),
                single("silent", "behaviour", "accepts the connection and never speaks",
                        host("mx.silent.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.SILENT), UNREACHABLE,
                                null, "banner-timeout").expecting(e -> e.seconds(31))),
                single("slow-banner", "behaviour", "greets after 10 seconds (RFC 5321 allows 5 minutes)",
                        host("mx.slow-banner.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.SLOW_BANNER),
                                VERIFIED, CA_VALID, TLS).expecting(e -> e.seconds(12))),
                single("banner-421", "behaviour", "greets with 421: service not available",
                        host("mx.banner-421.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.BANNER_421),
                                UNREACHABLE, null, "rejected").expecting(e -> e.seconds(2))),
                single("banner-554", "behaviour", "greets with 554: no SMTP service here",
                        host("mx.banner-554.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.BANNER_554),
                                UNREACHABLE, null, "rejected").expecting(e -> e.seconds(2))),
                single("multiline", "behaviour", "multi-line greeting and a long multi-line EHLO reply",
                        host("mx.multiline.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.MULTILINE),
                                VERIFIED, CA_VALID, TLS)),
                single("endless-reply", "behaviour", "answers EHLO with reply lines that never end",
                        host("mx.endless-reply.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.ENDLESS_REPLY),
                                UNREACHABLE, null, "protocol-error").expecting(e -> e.seconds(5))),
                single("huge-line", "behaviour", "greets with one line of a megabyte",
                        host("mx.huge-line.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.HUGE_LINE),
                                UNREACHABLE, null, "protocol-error").expecting(e -> e.seconds(5))),
                single("close-mid-handshake", "behaviour", "accepts STARTTLS, reads the ClientHello and hangs up",
                        host("mx.close-mid-handshake.test", starttls(CertSpec.LAB_CA_VALID)
                                .behaving(Behavior.CLOSE_MID_HANDSHAKE), TLS_FAILED, null, "handshake-failed")));
    }

    static List<Scenario> policies() {
        return List.of(
                single("mta-sts-valid", "policy", "valid MTA-STS and TLS-RPT records, no policy host",
                        verified("mx.mta-sts-valid.test"))
                        .withPolicies(new Scenario.Policies(List.of("v=STSv1; id=20261129T000000;"), TxtStatus.VALID,
                                List.of("v=TLSRPTv1; rua=mailto:tlsrpt@mta-sts-valid.test"), TxtStatus.VALID)
                                .serving(null, notApplicable(PolicyStatus.FAILED, "policy-host-nxdomain"))),
                single("mta-sts-malformed", "policy", "MTA-STS id with a space, TLS-RPT with an ftp: URI",
                        verified("mx.mta-sts-malformed.test"))
                        .withPolicies(new Scenario.Policies(List.of("v=STSv1; id=not valid"), TxtStatus.MALFORMED,
                                List.of("v=TLSRPTv1; rua=ftp://reports.mta-sts-malformed.test"), TxtStatus.MALFORMED)),
                zoned("mta-sts-multiple", "policy", "two MTA-STS records (RFC 8461: no policy), in an unsigned zone",
                        "mta-sts-multiple.test", List.of(ZoneSpec.of("mta-sts-multiple.test", Security.UNSIGNED)), INSECURE,
                        mx(10, verified("mx.mta-sts-multiple.test").expecting(e -> e.dnssec(INSECURE))))
                        .withPolicies(new Scenario.Policies(List.of("v=STSv1; id=first", "v=STSv1; id=second",
                                "unrelated=text"), TxtStatus.MULTIPLE, List.of(), TxtStatus.NONE)
                                .serving(PolicySpec.serving(PolicySpec.policy("enforce", "mail.elsewhere.test")),
                                        new StsExpected(null, null, StsDelivery.NOT_APPLICABLE, "txt-multiple",
                                                Delivery.DELIVER, null))));
    }

    private static final String STS_TXT = "v=STSv1; id=20261202T000000;";

    /**
     * MTA-STS (RFC 8461), one scenario per way a policy is had or lost: the domain publishes a
     * valid TXT record, and the lab's HTTPS server answers for {@code mta-sts.<domain>} as
     * declared (or the name does not exist).
     */
    public static List<Scenario> mtaSts() {
        return List.of(
                sts(single("sts-enforce", "mta-sts", "enforce, the MX host listed and valid",
                        verified("mx.sts-enforce.test")), "enforce", List.of("mx.sts-enforce.test"),
                        delivering("mx.sts-enforce.test")),
                sts(zoned("sts-unlisted", "mta-sts", "enforce, one of two MX hosts not listed", "sts-unlisted.test",
                                List.of(ZoneSpec.of("sts-unlisted.test", Security.ECDSA_NSEC)), SECURE,
                                mx(10, verified("mx1.sts-unlisted.test")), mx(20, verified("mx2.sts-unlisted.test"))),
                        "enforce", List.of("mx1.sts-unlisted.test"), delivering("mx1.sts-unlisted.test")),
                sts(single("sts-wildcard", "mta-sts", "enforce with a wildcard pattern covering the MX host",
                        verified("mx.sts-wildcard.test")), "enforce", List.of("*.sts-wildcard.test"),
                        delivering("mx.sts-wildcard.test")),
                sts(single("sts-enforce-failing", "mta-sts", "enforce, the listed MX host's certificate is self-signed",
                                tlsHost("mx.sts-enforce-failing.test", CertSpec.SELF_SIGNED, UNTRUSTED, SELF_SIGNED)),
                        "enforce", List.of("mx.sts-enforce-failing.test"),
                        new StsExpected(PolicyStatus.VALID, null, StsDelivery.BOUNCE, "no-valid-tls", Delivery.DEFER,
                                List.of("mx.sts-enforce-failing.test"))),
                sts(single("sts-testing-failing", "mta-sts", "testing, the listed MX host's certificate is self-signed",
                                tlsHost("mx.sts-testing-failing.test", CertSpec.SELF_SIGNED, UNTRUSTED, SELF_SIGNED)),
                        "testing", List.of("mx.sts-testing-failing.test"),
                        new StsExpected(PolicyStatus.VALID, null, StsDelivery.TESTING_WOULD_FAIL, "no-valid-tls",
                                Delivery.DELIVER, List.of("mx.sts-testing-failing.test"))),
                sts(single("sts-mode-none", "mta-sts", "mode none: the policy is withdrawn",
                                verified("mx.sts-mode-none.test")), "none", List.of(),
                        new StsExpected(PolicyStatus.VALID, null, StsDelivery.NOT_APPLICABLE, "mode-none",
                                Delivery.DELIVER, null)),
                failing("sts-404", "the policy host answers 404", null,
                        spec -> spec.withStatus(404, null), "policy-http-404"),
                failing("sts-redirect", "the policy host redirects (301): not followed", null,
                        spec -> spec.withStatus(301, "https://mta-sts.elsewhere.test/.well-known/mta-sts.txt"),
                        "policy-redirect:301"),
                failing("sts-content-type", "the policy comes as text/html", null,
                        spec -> spec.withContentType("text/html"), "policy-content-type"),
                failing("sts-oversized", "a policy of more than 64 KB", "x-pad: " + "a".repeat(70_000) + "\n",
                        spec -> spec, "policy-too-large"),
                failing("sts-syntax", "the body is not a policy", null,
                        spec -> PolicySpec.serving("version: STSv1\nmode: enforce\nmx mail\n"), "policy-syntax:line-3"),
                failing("sts-self-signed", "the policy host's certificate is self-signed", null,
                        spec -> spec.withCert(PolicySpec.Cert.SELF_SIGNED), "policy-tls-untrusted:self-signed"),
                failing("sts-wrong-name", "the policy host's certificate names another host", null,
                        spec -> spec.withCert(PolicySpec.Cert.WRONG_NAME), "policy-tls-name-mismatch"),
                // RFC 6890: a policy host in private space is a trap on the Internet and is never contacted
                failing("sts-private-address", "mta-sts.<domain> points into private space (10.255.83.1)", null,
                        spec -> spec.at("10.255.83.1"), PolicyStatus.SKIPPED, "policy-host-non-public:non-public-address"),
                single("sts-no-host", "mta-sts", "a valid TXT record, but mta-sts.<domain> does not exist",
                        verified("mx.sts-no-host.test"))
                        .withPolicies(new Scenario.Policies(List.of(STS_TXT), TxtStatus.VALID, List.of(), TxtStatus.NONE)
                                .serving(null, notApplicable(PolicyStatus.FAILED, "policy-host-nxdomain"))),
                // RFC 8461 section 2: DANE for a host with TLSA records, whatever the policy says of it
                sts(single("sts-dane-disagree", "mta-sts", "DANE validates the MX host, the MTA-STS policy does not list it",
                                tlsHost("mx.sts-dane-disagree.test", CertSpec.SELF_SIGNED, VERIFIED, DANE_ONLY)
                                        .tlsa(TlsaSpec.of(3, 1, 1, LEAF)).expecting(e -> e.dane(VALID).pkix(UNTRUSTED))),
                        "enforce", List.of("mx.elsewhere.test"),
                        new StsExpected(PolicyStatus.VALID, null, StsDelivery.BOUNCE, "no-mx-match", Delivery.DELIVER,
                                List.of())));
    }

    /** The scenario with a valid TXT record and its policy host serving {@code mode} and {@code mx}. */
    private static Scenario sts(Scenario sc, String mode, List<String> mx, StsExpected expected) {
        return sc.withPolicies(new Scenario.Policies(List.of(STS_TXT), TxtStatus.VALID, List.of(), TxtStatus.NONE)
                .serving(PolicySpec.serving(PolicySpec.policy(mode, mx.toArray(String[]::new))), expected));
    }

    /** A policy a sender never gets: served as {@code change} says, it fails with {@code reason}. */
    private static Scenario failing(String name, String description, String extra,
                                    java.util.function.UnaryOperator<PolicySpec> change, String reason) {
        return failing(name, description, extra, change, PolicyStatus.FAILED, reason);
    }

    private static Scenario failing(String name, String description, String extra,
                                    java.util.function.UnaryOperator<PolicySpec> change, PolicyStatus status,
                                    String reason) {
        String domain = name + "." + TLD;
        String policy = PolicySpec.policy("enforce", "mx." + domain) + (extra == null ? "" : extra);
        return single(name, "mta-sts", description, verified("mx." + domain))
                .withPolicies(new Scenario.Policies(List.of(STS_TXT), TxtStatus.VALID, List.of(), TxtStatus.NONE)
                        .serving(change.apply(PolicySpec.serving(policy)), notApplicable(status, reason)));
    }

    /** No policy applies: a sender delivers as without MTA-STS. */
    private static StsExpected notApplicable(PolicyStatus status, String reason) {
        return new StsExpected(status, reason, StsDelivery.NOT_APPLICABLE, reason, Delivery.DELIVER, null);
    }

    private static StsExpected delivering(String... matched) {
        return new StsExpected(PolicyStatus.VALID, null, StsDelivery.DELIVER, null, Delivery.DELIVER, List.of(matched));
    }

    static List<Scenario> sharing() {
        ZoneSpec provider = ZoneSpec.of("provider.test", Security.ECDSA_NSEC);
        HostSpec shared = verified("mx.provider.test");
        return List.of(
                zoned("shared-a", "sharing", "MX host shared with shared-b.test (a provider)", "shared-a.test",
                        List.of(ZoneSpec.of("shared-a.test", Security.ECDSA_NSEC), provider), SECURE, mx(10, shared)),
                zoned("shared-b", "sharing", "MX host shared with shared-a.test (a provider)", "shared-b.test",
                        List.of(ZoneSpec.of("shared-b.test", Security.ECDSA_NSEC), provider), SECURE, mx(10, shared)));
    }
}
