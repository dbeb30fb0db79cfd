package io.mxray.lab;

import static io.mxray.lab.HostSpec.host;
import static io.mxray.lab.ServerSpec.starttls;
import static io.mxray.schema.CertType.CA_VALID;
import static io.mxray.schema.DnssecStatus.BOGUS;
import static io.mxray.schema.DnssecStatus.SECURE;
import static io.mxray.schema.Level.VERIFIED;
import io.mxray.lab.dns.Fault;
import io.mxray.lab.dns.Tamper;
import io.mxray.lab.dns.ZoneSpec.Security;
import io.mxray.lab.dns.ZoneSpec;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Level;
import io.mxray.schema.TxtStatus;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.Type;

/**
 * The hostile family: zones, responders and servers written to break scanners, each with the
 * verdict a scanner that cannot be broken reaches. A hostile scenario declares what a correct
 * scanner records, which is never what the attacker wanted it to record.
 */
public final class HostileScenarios {
    public static final String FAMILY = "hostile";
    /** The KeyTrap scenario's name (its domain is {@code keytrap.test}). */
    public static final String KEYTRAP = "keytrap";

    private HostileScenarios() {
    }

    /** Domains whose MX host names all lead to one address (a provider's). */
    public static final int SHARED_IP_DOMAINS = 12;
    /** The one host name those MX names are aliases of. */
    public static final String SHARED_IP_HOST = "in.one-ip-provider.test";

    public static List<Scenario> all() {
        List<Scenario> all = new ArrayList<>(named());
        all.addAll(sharedIp());
        return all;
    }

    /**
     * Twelve domains, each with an MX host name of its own, every name a CNAME of one provider
     * host: twelve probes of one address. However many SMTP workers run, the address sees at most
     * the per-address limit of connections at once, a second apart.
     */
    public static List<Scenario> sharedIp() {
        ZoneSpec customers = ZoneSpec.of("one-ip.test", Security.ECDSA_NSEC);
        ZoneSpec provider = ZoneSpec.of("one-ip-provider.test", Security.ECDSA_NSEC);
        List<Scenario> out = new ArrayList<>();
        for (int i = 1; i <= SHARED_IP_DOMAINS; i++) {
            String domain = "d" + i + ".one-ip.test";
            out.add(new Scenario("one-ip-" + i, FAMILY, "one of " + SHARED_IP_DOMAINS + " domains whose MX names are "
                    + "aliases of one provider host: one address, probed politely whatever the number of workers",
                    domain, List.of(customers, provider), Scenario.Mail.MX, DnsOutcome.MX, SECURE,
                    List.of(new Scenario.Mx(10, verified("mx." + domain).cnameTo(SHARED_IP_HOST)))));
        }
        return out;
    }

    private static List<Scenario> named() {
        return List.of(
                zoned("inject-class", "a responder adds class-CH A, AAAA, MX, TLSA, TXT and CNAME records to every "
                                + "genuine signed answer: they are not part of it",
                        ZoneSpec.of("inject-class.test", Security.ECDSA_NSEC).tampered(Tamper.FOREIGN_CLASS), SECURE,
                        verified("mx.inject-class.test")),
                zoned("dname-extra-cname", "the MX host lies under a signed DNAME, and a responder adds a second "
                                + "CNAME to a decoy next to the synthesized one: the alias is not one name, the "
                                + "addresses are bogus",
                        ZoneSpec.of("dname-extra-cname.test", Security.ECDSA_NSEC).tampered(Tamper.EXTRA_CNAME), SECURE,
                        verified("mx.old.dname-extra-cname.test").dnameTo("mx.new.dname-extra-cname.test")
                                .expecting(e -> new HostSpec.Expect(Level.UNREACHABLE, null, "no-address", BOGUS,
                                        DaneStatus.BOGUS, null, 1))),
                zoned(KEYTRAP, "KeyTrap (CVE-2023-50387): 100 DNSKEYs share the key tag of the zone's key, and 100 "
                                + "decoy signatures come before every genuine one; validating it all would cost 10,000 "
                                + "verifications per RRset: bogus once the work limit is reached",
                        ZoneSpec.of("keytrap.test", Security.KEYTRAP), BOGUS,
                        verified("mx.keytrap.test").expecting(e -> e.dnssec(BOGUS).dane(DaneStatus.BOGUS))),
                zoned("bogus-address-dane", "the MX host publishes TLSA 3 1 1 matching its certificate, but its A "
                                + "RRset's signature is broken: the TLSA RRset cannot be trusted, a DANE sender skips "
                                + "the host and defers (RFC 7672 section 2.2), never delivers as if there were no DANE",
                        ZoneSpec.of("bogus-address-dane.test", Security.ECDSA_NSEC)
                                .withFault("mx.bogus-address-dane.test", Type.A, Fault.BROKEN_SIGNATURE), SECURE,
                        verified("mx.bogus-address-dane.test").tlsa(TlsaSpec.of(3, 1, 1, TlsaSpec.Target.LEAF))
                                .expecting(e -> e.dnssec(BOGUS).dane(DaneStatus.BOGUS))),
                zoned("control-bytes", "greets with 100 lines of 2,000 control bytes and offers 20 EHLO keywords of "
                                + "them: over a megabyte as JSON; the probe keeps what the bounds allow and goes on",
                        ZoneSpec.of("control-bytes.test", Security.ECDSA_NSEC), SECURE,
                        host("mx.control-bytes.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.CONTROL_BYTES),
                                VERIFIED, CA_VALID, "tls-established")),
                zoned("huge-tlsa", "a TLSA RRset of 60 KB (28 records 3 0 0 of 2,000 random bytes, and the 3 1 1 "
                                + "that matches), answered over TCP: the digest is kept, the full records cut",
                        ZoneSpec.of("huge-tlsa.test", Security.ECDSA_NSEC).withRecords(junkTlsa("mx.huge-tlsa.test", 28,
                                2000, 1)), SECURE,
                        verified("mx.huge-tlsa.test").tlsa(TlsaSpec.of(3, 1, 1, TlsaSpec.Target.LEAF))
                                .expecting(e -> e.dane(DaneStatus.VALID))),
                manyMx(),
                zoned("quit-ignored", "after a TLS handshake the server never answers QUIT and keeps the connection "
                                + "open: the probe closes it a moment later, as without TLS",
                        ZoneSpec.of("quit-ignored.test", Security.ECDSA_NSEC), SECURE,
                        host("mx.quit-ignored.test", starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.QUIT_IGNORED),
                                VERIFIED, CA_VALID, "tls-established")));
    }

    /** Sixteen MX hosts, each with a TLSA RRset of 30 KB that matches nothing, and policy records of 30 KB. */
    private static Scenario manyMx() {
        String domain = "many-mx.test";
        List<String> records = new ArrayList<>();
        List<Scenario.Mx> mx = new ArrayList<>();
        for (int i = 1; i <= 16; i++) {
            String name = "mx" + i + "." + domain;
            records.addAll(List.of(junkTlsa(name, 12, 2500, i + 100)));
            mx.add(new Scenario.Mx(10 + i, verified(name).expecting(e -> e.dane(DaneStatus.MISMATCH)
                    .underDane(Level.UNTRUSTED, Level.VERIFIED))));
        }
        StringBuilder sts = new StringBuilder("\"v=STSv1; id=big1; ext=\"");
        StringBuilder rpt = new StringBuilder("\"v=TLSRPTv1; rua=mailto:tlsrpt@many-mx.test\"");
        for (int i = 0; i < 120; i++) {
            sts.append(" \"").append("x".repeat(250)).append('"');
            rpt.append(" \",mailto:r").append(i).append('@').append("y".repeat(200)).append(".many-mx.test\"");
        }
        records.add("_mta-sts." + domain + ". 300 IN TXT " + sts);
        records.add("_smtp._tls." + domain + ". 300 IN TXT " + rpt);
        ZoneSpec zone = ZoneSpec.of(domain, Security.ECDSA_NSEC).withRecords(records.toArray(String[]::new));
        return new Scenario("many-mx", FAMILY, "16 MX hosts with TLSA RRsets of 30 KB each, and MTA-STS and TLS-RPT "
                + "records of 30 KB: the DNS result keeps what the bounds allow, each host's RRset once",
                domain, List.of(zone), Scenario.Mail.MX, DnsOutcome.MX, SECURE, mx)
                .withPolicies(new Scenario.Policies(List.of(), TxtStatus.VALID, List.of(),
                        TxtStatus.VALID));
    }

    /** {@code n} TLSA records 3 0 0 at {@code _25._tcp.<host>} of {@code bytes} random bytes each (seeded). */
    private static String[] junkTlsa(String host, int n, int bytes, long seed) {
        Random random = new Random(seed);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[bytes];
            random.nextBytes(data);
            out[i] = "_25._tcp." + host + ". 300 IN TLSA 3 0 0 " + HexFormat.of().formatHex(data);
        }
        return out;
    }

    private static HostSpec verified(String name) {
        return host(name, starttls(CertSpec.LAB_CA_VALID), VERIFIED, CA_VALID, "tls-established");
    }

    private static Scenario zoned(String name, String description, ZoneSpec zone, DnssecStatus mxDnssec,
                                  HostSpec host) {
        String domain = zone.origin().toString(true);
        return new Scenario(name, FAMILY, description, domain, List.of(zone), Scenario.Mail.MX, DnsOutcome.MX, mxDnssec,
                List.of(new Scenario.Mx(10, host)));
    }
}
