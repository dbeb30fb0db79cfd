package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsStage;
import io.mxray.dns.Resolvers;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.PosttlsFinger;
import io.mxray.lab.ReferenceTool;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.KeyType;
import io.mxray.schema.DomainTask;
import io.mxray.schema.Level;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Postfix's posttls-finger, an MTA's own TLS client, judges the lab's MX hosts next to mxray.
 * PKIX scenarios: the word at {@code -l may} (Trusted: the chain is valid; Untrusted: it is not)
 * and at {@code -l secure} matching the MX host name (Verified) give mxray's level verified,
 * trusted or untrusted. DANE scenarios, at {@code -l dane} through a validating Unbound with the
 * lab's trust anchor: mxray's level verified is Verified and untrusted is Untrusted where DANE
 * applies (a PKIX-valid certificate that no usable record matches included: a DANE sender does not
 * fall back to the web PKI), a bogus TLSA RRset is "TLSA lookup error", and without usable records
 * Postfix falls back to {@code secure} (Verified when the PKIX chain names the host, else Untrusted). A host
 * where mxray sees no TLS session must get no word either. The mapping comes from Postfix's
 * documentation and RFC 7672, not from mxray's code.
 */
class PosttlsFingerAgreesWithMxrayTest {
    private static Lab lab;
    private static Resolvers resolvers;
    private static DnsStage dns;
    private static SmtpStage smtp;
    private static PosttlsFinger finger;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Path.of("target", "tmp");
        Files.createDirectories(dir);
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory(dir.toAbsolutePath(), "lab")));
        ReferenceTool.requirePosttlsFinger(lab);
        DnsConfig dnsConfig = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        resolvers = Resolvers.create(dnsConfig, Clock.systemUTC());
        dns = resolvers.stage(dnsConfig, Clock.systemUTC());
        smtp = new SmtpStage(SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(12), Duration.ofSeconds(40)),
                new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC()), Clock.systemUTC());
        finger = PosttlsFinger.start(lab, "127.254.253.53",
                Files.createTempDirectory(dir.toAbsolutePath(), "posttls-finger"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {finger, smtp, resolvers, lab}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing: nothing left to do
                }
            }
        }
    }

    record Probe(String scenario, ProbeRequest request, ProbeResult result) {
    }

    /** mxray's probes of every IPv4 MX host address of the scenarios of these families. */
    private static List<Probe> mxray(Set<String> families) {
        List<Probe> out = Collections.synchronizedList(new ArrayList<>());
        Scenarios.catalogue().parallelStream().filter(s -> families.contains(s.family())).forEach(s -> {
            for (ProbeRequest p : dns.resolve(new DomainTask("scan", s.domain(), null, 1)).toCompletableFuture().join()
                    .probes()) {
                if (!p.ip().contains(":")) { // posttls-finger is configured for IPv4
                    out.add(new Probe(s.name(), p, smtp.probe(p).toCompletableFuture().join()));
                }
            }
        });
        return out;
    }

    private static boolean tls(ProbeResult r) {
        return r.outcome() == ProbeOutcome.TLS_ESTABLISHED;
    }

    @Test
    void pkixScenariosGetTheLevelPosttlsFingerGives() {
        List<Probe> probes = mxray(Set.of("tls", "sharing", "mx"));
        List<String> disagreements = Collections.synchronizedList(new ArrayList<>());
        java.util.Map<String, Integer> agreed = new java.util.concurrent.ConcurrentSkipListMap<>();
        probes.parallelStream().forEach(p -> {
            String host = p.request().mxHost();
            String may = PosttlsFinger.word(finger.run(host, "may"));
            String secure = PosttlsFinger.word(finger.run(host, "secure", host));
            String theirs = "Verified".equals(secure) ? "verified"
                    : may == null ? null : may.toLowerCase(java.util.Locale.ROOT);
            Level level = p.result().level();
            String ours = tls(p.result()) ? level.key() : null;
            if (tls(p.result()) && p.result().tls().legacy() != null) {
                // Postfix refuses TLS 1.0/1.1 at its mandatory levels (Debian's OpenSSL: MinProtocol
                // TLSv1.2), so only its opportunistic word exists: it must say whether the chain is
                // valid (Trusted) or not, and secure must give none. mxray measures the session and
                // marks it legacy.
                ours = level == Level.VERIFIED || level == Level.TRUSTED ? "trusted" : "untrusted";
                theirs = secure == null && may != null ? may.toLowerCase(java.util.Locale.ROOT) : "secure=" + secure;
            }
            if (!java.util.Objects.equals(ours, theirs)) {
                disagreements.add(p.scenario() + " " + host + ": mxray " + level + " (" + p.result().outcome()
                        + "), posttls-finger may=" + may + " secure=" + secure);
            } else {
                agreed.merge(String.valueOf(theirs), 1, Integer::sum);
            }
        });
        System.out.println("posttls-finger -l may/secure agrees with mxray's level: " + agreed);
        assertTrue(probes.stream().filter(p -> tls(p.result())).count() >= 10, "enough TLS hosts compared");
        assertTrue(probes.stream().anyMatch(p -> p.result().level() == Level.TRUSTED), "a trusted host compared");
        assertTrue(probes.stream().anyMatch(p -> p.result().level() == Level.UNTRUSTED), "an untrusted host compared");
        assertEquals(List.of(), disagreements, probes.size() + " hosts compared");
    }

    @Test
    void daneScenariosGetTheVerdictPosttlsFingerGivesAtLevelDane() {
        List<Probe> probes = mxray(Set.of("dane"));
        List<String> disagreements = Collections.synchronizedList(new ArrayList<>());
        java.util.Map<String, Integer> agreed = new java.util.concurrent.ConcurrentSkipListMap<>();
        probes.parallelStream().forEach(p -> {
            String host = p.request().mxHost();
            String output = finger.run(host, "dane");
            String theirs = PosttlsFinger.word(output);
            ProbeResult r = p.result();
            // mxray's level against Postfix's word: Verified <=> verified, Untrusted <=> untrusted where
            // DANE applies (the level is DANE's); without usable records Postfix uses secure, whose
            // Untrusted covers mxray's trusted and untrusted
            boolean daneApplies = r.dane().status() == DaneStatus.VALID || r.dane().status() == DaneStatus.MISMATCH;
            String expected = r.dane().status() == DaneStatus.BOGUS ? "TLSA lookup error"
                    : !tls(r) ? null
                    : r.level() == Level.VERIFIED ? "Verified"
                    : r.level() == Level.UNTRUSTED || !daneApplies ? "Untrusted"
                    : "(no word for level " + r.level().key() + " where DANE applies)";
            if (!java.util.Objects.equals(expected, theirs)) {
                disagreements.add(p.scenario() + " " + host + ": mxray " + r.dane() + " level " + r.level()
                        + " -> expected " + expected + ", posttls-finger said " + theirs + "\n" + output);
            } else {
                agreed.merge(r.dane().status().key() + "/" + (r.level() == null ? "-" : r.level().key()) + "="
                        + theirs, 1, Integer::sum);
            }
        });
        System.out.println("posttls-finger -l dane agrees with mxray's DANE status and level: " + agreed);
        for (DaneStatus s : List.of(DaneStatus.VALID, DaneStatus.MISMATCH, DaneStatus.BOGUS, DaneStatus.UNUSABLE_ONLY,
                DaneStatus.NONE)) {
            assertTrue(probes.stream().anyMatch(p -> p.result().dane().status() == s), "a host with DANE " + s);
        }
        assertTrue(probes.stream().anyMatch(p -> p.result().dane().status() == DaneStatus.MISMATCH
                && p.result().pkix() == Level.VERIFIED), "a PKIX-valid host that DANE refuses");
        assertEquals(List.of(), disagreements, probes.size() + " hosts compared; unbound:\n"
                + (disagreements.isEmpty() ? "" : finger.unboundLog()));
    }

    /**
     * Dual-key servers: posttls-finger told which key type to prefer gets the certificate mxray
     * judged for that key type. A sender preferring RSA is Postfix limited to TLS 1.2 ({@code -p})
     * with only RSA-authenticated cipher suites ({@code -o tls_high_cipherlist=aRSA}, grade high);
     * one preferring ECDSA, the same with {@code aECDSA}. Its word at {@code -l dane} must be
     * Verified where mxray's certificate of that key type is DANE-valid, else Untrusted.
     */
    @Test
    void dualKeyServersGiveEachKeyTypeTheVerdictPosttlsFingerGives() {
        SmtpStage all = new SmtpStage(SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(12), Duration.ofSeconds(40))
                .withAllCertificates(true).withPerIpInterval(Duration.ofMillis(100)),
                new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC()), Clock.systemUTC());
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        try (all) {
            for (String domain : List.of("dual-dane-both.test", "dual-dane-ecdsa.test", "dual-dane-rsa.test")) {
                for (ProbeRequest p : dns.resolve(new DomainTask("scan", domain, null, 1)).toCompletableFuture().join()
                        .probes()) {
                    ProbeResult r = all.probe(p).toCompletableFuture().join();
                    assertEquals(2, r.certificates().size(), domain + ": both certificates " + r.secondHandshake());
                    for (io.mxray.schema.PresentedCertificate c : r.certificates()) {
                        String auth = c.keyType() == KeyType.RSA ? "aRSA" : "aECDSA";
                        String output = finger.runWith(p.mxHost(), "dane", List.of("-p", "!TLSv1.3", "-g", "high",
                                "-o", "tls_high_cipherlist=" + auth));
                        String theirs = PosttlsFinger.word(output);
                        String expected = c.dane().status() == DaneStatus.VALID ? "Verified" : "Untrusted";
                        compared++;
                        if (!expected.equals(theirs)) {
                            disagreements.add(domain + " " + c.keyType() + ": mxray " + c.dane() + " -> expected "
                                    + expected + ", posttls-finger said " + theirs + "\n" + output);
                        }
                    }
                }
            }
        }
        System.out.println("posttls-finger -l dane per key type agrees with mxray on " + compared + " certificates");
        assertEquals(6, compared, "three dual-key servers, two certificates each");
        assertEquals(List.of(), disagreements);
    }
}
