package io.mxray.app.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.check.CheckText;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenarios;
import io.mxray.schema.CheckAdvice;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckStatus;
import io.mxray.schema.Level;
import io.mxray.schema.MxHostVerdict;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code mxray check} on every scenario of the lab's catalogue, one test per family: the level of
 * each MX host address (against the lab's declared ground truth), the advice (its keys, in
 * order, and its words in the text report) and the exit status.
 *
 * <p>The expected advice is declared here, per scenario, from what the scenario is (its
 * description in {@code Scenarios}), not read from the checker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckFamiliesTest {
    private Lab lab;
    private Map<String, ExpectedDomain> truth;

    /** What a scenario's check must say: its status and its advice keys, in order. */
    record Expect(CheckStatus status, List<String> advice) {
        static Expect ok() {
            return new Expect(CheckStatus.OK, List.of());
        }

        static Expect warning(String... advice) {
            return new Expect(CheckStatus.WARNING, List.of(advice));
        }

        static Expect critical(String... advice) {
            return new Expect(CheckStatus.CRITICAL, List.of(advice));
        }
    }

    @BeforeAll
    void start() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("check-families")).withScenarios(
                Scenarios.catalogue()));
        truth = lab.groundTruth().stream().collect(Collectors.toMap(ExpectedDomain::domain, d -> d));
    }

    @AfterAll
    void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void dns() {
        Map<String, Expect> e = new LinkedHashMap<>();
        for (String ok : List.of("signed.test", "signed-rsa.example", "signed-nsec3.test", "unsigned.test",
                "island.plain-parent.test", "null-mx.test", "implicit-mx.test", "cname-mx.test", "mixed.test",
                "ipv6-only.test", "unknown-algorithm.test", "any.wildcard-mx.test", "any.wildcard-nsec3.test",
                "unsigned.optout", "signed.optout", "dname-mx.test")) {
            e.put(ok, Expect.ok());
        }
        for (String bogus : List.of("bogus-mx.test", "expired-rrsig.test", "missing-rrsig.test",
                "dnskey-expired.test", "wrong-ds.test", "gone.broken-denial.test")) {
            e.put(bogus, Expect.critical("mx-bogus"));
        }
        for (String gone : List.of("nxdomain.test", "nxdomain.example", "nxdomain.lab", "nxdomain.optout")) {
            e.put(gone, Expect.critical("nxdomain"));
        }
        e.put("no-address.test", Expect.critical("no-address", "no-host-address"));
        family("dns", e, "PT5S");
    }

    @Test
    void mx() {
        family("mx", Map.of(
                "two-mx.test", Expect.warning("no-starttls", "mx-disagree"),
                "three-mx.test", Expect.warning("cert-untrusted", "no-starttls", "mx-disagree")), "PT5S");
    }

    @Test
    void tls() {
        Map<String, Expect> e = new LinkedHashMap<>();
        for (String ok : List.of("tls-valid.test", "tls-rsa.test", "wildcard.test", "intermediate.test",
                "tls12-only.test", "tls13-only.test", "dual-no-dane.test", "dual-tls12.test")) {
            e.put(ok, Expect.ok());
        }
        for (String untrusted : List.of("missing-intermediate.test", "self-signed.test", "expired.test",
                "not-yet-valid.test", "wrong-name.test")) {
            e.put(untrusted, Expect.warning("cert-untrusted"));
        }
        e.put("expiring-soon.test", Expect.warning("cert-expiring"));
        e.put("tls10-only.test", Expect.warning("tls-legacy"));
        e.put("tls11-newest.test", Expect.warning("tls-legacy"));
        e.put("tls-all-versions.test", Expect.warning("tls-old-versions"));
        e.put("no-starttls.test", Expect.critical("no-starttls", "no-starttls-anywhere"));
        e.put("starttls-refused.test", Expect.critical("starttls-refused", "no-starttls-anywhere"));
        e.put("handshake-failure.test", Expect.critical("handshake-failed", "no-starttls-anywhere"));
        List<CheckResult> results = family("tls", e, "PT5S");
        CheckAdvice expiring = advice(results, "expiring-soon.test", "cert-expiring");
        assertTrue(expiring.text().contains("(in 9 days)") || expiring.text().contains("(in 10 days)"), expiring.text());
        assertTrue(advice(results, "wrong-name.test", "cert-untrusted").text().contains("does not name "
                + "mx.wrong-name.test"));
        assertTrue(advice(results, "self-signed.test", "cert-untrusted").text().contains("(self-signed)"));
        // check finds the TLS versions a server accepts (one polite connection per older version)
        String versions = advice(results, "tls-all-versions.test", "tls-old-versions").text();
        assertTrue(versions.contains("still accepts TLS 1.1 and TLS 1.0"), versions);
        String newest = advice(results, "tls11-newest.test", "tls-legacy").text();
        assertTrue(newest.contains("accepts nothing newer than TLSv1.1"), newest);
        assertEquals(java.util.Map.of("TLSv1.3", "refused", "TLSv1.2", "refused", "TLSv1.1", "accepted", "TLSv1",
                "accepted"), result(results, "tls11-newest.test").addresses().get(0).probe().tlsVersions());
    }

    @Test
    void dane() throws Exception {
        Map<String, Expect> e = new LinkedHashMap<>();
        // where DANE applies the lab publishes no TLS-RPT record: every such domain is told that failure
        // reports have nowhere to go (RFC 8460), last
        String noReports = "tls-rpt-missing";
        // a single 3 x x record is fragile: a new key breaks delivery
        for (String single : List.of("dane-ee-311.test", "dane-ee-301-expired.test", "dane-ee-312.test",
                "dane-ee-310.test", "dane-ecdsa-only-key.test")) {
            e.put(single, Expect.warning("tlsa-no-rollover", noReports));
        }
        e.put("dane-ta-labca-201.test", Expect.warning(noReports));
        e.put("dane-ta-201.test", Expect.warning(noReports));
        e.put("dane-rollover.test", Expect.warning(noReports));
        e.put("dual-dane-both.test", Expect.warning(noReports));
        // a dual-key server whose TLSA covers one key: senders that get the other one do not deliver
        e.put("dual-dane-ecdsa.test", Expect.warning("tlsa-partial-keys", "tlsa-no-rollover", noReports));
        e.put("dual-dane-rsa.test", Expect.critical("tlsa-partial-keys", "tlsa-mismatch", noReports));
        e.put("dane-ta-labca-leaf-only.test", Expect.critical("tlsa-mismatch", noReports));
        e.put("dane-ta-leaf-only.test", Expect.critical("tlsa-mismatch", "cert-untrusted", noReports));
        e.put("dane-mismatch.test", Expect.critical("tlsa-mismatch", noReports));
        // DANE does not apply: unusable-only, bogus (senders defer before DANE), unsigned
        e.put("dane-unusable.test", Expect.warning("tlsa-unusable"));
        e.put("dane-bogus.test", Expect.critical("tlsa-bogus"));
        e.put("dane-unsigned.test", Expect.warning("tlsa-insecure"));
        e.put("dane-no-starttls.test", Expect.critical("no-starttls", "dane-no-tls", "no-starttls-anywhere", noReports));
        e.put("dane-two-mx.test", Expect.warning("tlsa-no-rollover", "mx-disagree", noReports));
        List<CheckResult> results = family("dane", e, "PT5S");
        String leafOnly = advice(results, "dane-ta-labca-leaf-only.test", "tlsa-mismatch").text();
        assertTrue(leafOnly.contains("must send in its chain"), leafOnly);
        // the record that would match is the key the server presents
        CheckResult mismatch = result(results, "dane-mismatch.test");
        assertTrue(advice(results, "dane-mismatch.test", "tlsa-mismatch").text().contains("3 1 1 "
                + mismatch.addresses().get(0).chain().get(0).spkiSha256()));
        String bogus = advice(results, "dane-bogus.test", "tlsa-bogus").text();
        assertTrue(bogus.contains("DANE senders defer all mail to mx.dane-bogus.test"), bogus);
        String partial = advice(results, "dual-dane-ecdsa.test", "tlsa-partial-keys").text();
        assertTrue(partial.contains("match the ECDSA certificate") && partial.contains("not its RSA certificate"),
                partial);
        // the record that would cover the RSA key is the one the lab publishes for it on dual-dane-rsa.test
        String rsaRecord = advice(results, "dual-dane-ecdsa.test", "tlsa-partial-keys").text()
                .replaceAll("(?s).*Publish 3 1 1 ([0-9a-f]{64}) \\(RSA\\).*", "$1");
        io.mxray.schema.PresentedCertificate rsaCert = result(results, "dual-dane-ecdsa.test").addresses().get(0).probe()
                .certificates().get(1);
        assertEquals(io.mxray.schema.KeyType.RSA, rsaCert.keyType());
        java.security.cert.X509Certificate rsaLeaf = (java.security.cert.X509Certificate) java.security.cert
                .CertificateFactory.getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(
                        java.util.Base64.getDecoder().decode(rsaCert.chainDer().get(0))));
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(rsaLeaf.getPublicKey().getEncoded())), rsaRecord, partial);
        String other = advice(results, "dual-dane-rsa.test", "tlsa-partial-keys").text();
        assertTrue(other.contains("match the RSA certificate") && other.contains("not its ECDSA certificate"), other);
        String disagree = advice(results, "dane-two-mx.test", "mx-disagree").text();
        assertTrue(disagree.contains("DANE valid"), disagree);
    }

    @Test
    void behaviour() {
        Map<String, Expect> e = new LinkedHashMap<>();
        for (String down : List.of("refused.test", "silent.test", "banner-421.test", "banner-554.test",
                "endless-reply.test", "huge-line.test")) {
            e.put(down, Expect.critical("unreachable", "no-host-reachable"));
        }
        e.put("slow-banner.test", Expect.ok()); // greets after 10 s: within the step timeout
        e.put("multiline.test", Expect.ok());
        e.put("close-mid-handshake.test", Expect.critical("handshake-failed", "no-starttls-anywhere"));
        family("behaviour", e, "PT12S");
    }

    @Test
    void sharing() {
        family("sharing", Map.of("shared-a.test", Expect.ok(), "shared-b.test", Expect.ok()), "PT5S");
    }

    @Test
    void policy() {
        List<CheckResult> results = family("policy", Map.of(
                // a valid record and no policy host: senders ignore MTA-STS, the owner is told
                "mta-sts-valid.test", Expect.warning("mta-sts-policy-unavailable"),
                "mta-sts-malformed.test", Expect.warning("mta-sts-malformed"),
                "mta-sts-multiple.test", Expect.warning("mta-sts-multiple")), "PT5S");
        assertTrue(advice(results, "mta-sts-multiple.test", "mta-sts-multiple").text().contains("holds 2 MTA-STS"));
        // JSON from a new JVM on the check's class path: the same facts as in this one
        CheckLab.Run launched = CheckLab.launch(lab, "PT5S", "--json", "mta-sts-valid.test", "mta-sts-malformed.test",
                "mta-sts-multiple.test");
        assertEquals(1, launched.exit(), launched.err());
        assertEquals(summary(results), summary(launched.results()));
    }

    /**
     * MTA-STS (RFC 8461): the policy is fetched from the lab's policy server and every scenario's
     * advice is what its senders make of it. An enforce policy that leaves out or rejects an MX
     * host is CRITICAL; a policy that cannot be had warns; enforcing without TLS-RPT warns.
     */
    @Test
    void mtaSts() {
        Map<String, Expect> e = new LinkedHashMap<>();
        e.put("sts-enforce.test", Expect.warning("tls-rpt-missing"));
        e.put("sts-unlisted.test", Expect.critical("mta-sts-unlisted", "tls-rpt-missing"));
        e.put("sts-wildcard.test", Expect.warning("tls-rpt-missing"));
        e.put("sts-enforce-failing.test", Expect.critical("mta-sts-invalid-tls", "tls-rpt-missing"));
        e.put("sts-testing-failing.test", Expect.warning("mta-sts-invalid-tls"));
        e.put("sts-mode-none.test", Expect.ok());
        for (String unavailable : List.of("sts-404.test", "sts-redirect.test", "sts-content-type.test",
                "sts-oversized.test", "sts-syntax.test", "sts-self-signed.test", "sts-wrong-name.test",
                "sts-private-address.test", "sts-no-host.test")) {
            e.put(unavailable, Expect.warning("mta-sts-policy-unavailable"));
        }
        // DANE validates the host the policy leaves out: MTA-STS-only senders do not deliver there
        e.put("sts-dane-disagree.test", Expect.critical("tlsa-no-rollover", "mta-sts-unlisted", "tls-rpt-missing"));
        List<CheckResult> results = family("mta-sts", e, "PT5S");
        assertTrue(advice(results, "sts-unlisted.test", "mta-sts-unlisted").text()
                .contains("does not list mx2.sts-unlisted.test"));
        assertTrue(advice(results, "sts-404.test", "mta-sts-policy-unavailable").text().contains("policy-http-404"));
        assertTrue(advice(results, "sts-private-address.test", "mta-sts-policy-unavailable").text()
                .contains("policy-host-non-public"), "the private address is refused, not contacted");
        CheckResult enforce = results.stream().filter(r -> r.domain().equals("sts-enforce.test")).findFirst()
                .orElseThrow();
        assertEquals("mx.sts-enforce.test", enforce.policy().policy().mx().get(0), "the policy as fetched");
    }

    /**
     * Options from the environment and domains from standard input, in a new JVM: the quick
     * reading of the command line takes its defaults from the real environment.
     */
    @Test
    void optionsFromTheEnvironmentAndDomainsFromStandardInput() {
        List<String> labArgs = CheckLab.labArgs(lab, "PT5S");
        Map<String, String> env = Map.of("MXRAY_CHECK_JSON", "true", "MXRAY_RESOLVER", labArgs.get(1),
                "MXRAY_TRUST_ANCHOR", labArgs.get(3), "MXRAY_CA_FILE", labArgs.get(5), "MXRAY_SMTP_PORT",
                labArgs.get(7), "MXRAY_ALLOW_NON_PUBLIC", "true");
        CheckLab.Run run = CheckLab.launch(env, "# a comment\nno-starttls.test\n\n  tls-valid.test\n", "-",
                "expired.test");
        assertEquals(2, run.exit(), run.err());
        assertEquals(List.of("no-starttls.test CRITICAL", "tls-valid.test OK", "expired.test WARNING"),
                run.results().stream().map(r -> r.domain() + " " + r.status()).toList());
    }

    private static List<String> summary(List<CheckResult> results) {
        return results.stream().sorted(Comparator.comparing(CheckResult::domain))
                .map(r -> r.domain() + " " + r.status() + " " + r.advice().stream().map(CheckAdvice::key).toList()
                        + " " + r.verdict().mxHosts().stream().map(MxHostVerdict::level).toList())
                .toList();
    }

    /**
     * A resolver that answers NXDOMAIN to everything (a captive portal's) or strips DNSSEC
     * records: check says so, naming the resolver, and nothing about the domain (exit 3, UNKNOWN):
     * never "the MX answer fails DNSSEC validation, re-sign the zone".
     */
    @Test
    void aBrokenResolverIsBlamedNotTheDomain() {
        String resolver = lab.resolver().getAddress().getHostAddress() + ":" + lab.resolver().getPort();
        try {
            for (io.mxray.lab.ResolverMode mode : List.of(io.mxray.lab.ResolverMode.NXDOMAIN_ALL,
                    io.mxray.lab.ResolverMode.STRIP_DNSSEC)) {
                lab.resolverMode(mode);
                CheckLab.Run text = CheckLab.check(lab, "PT5S", "signed.test");
                assertEquals(3, text.exit(), mode + ": " + text.out() + text.err());
                assertTrue(text.out().startsWith("UNKNOWN  the DNS resolver " + resolver + " cannot be used: "),
                        mode + ": " + text.out());
                assertTrue(!text.out().contains("CRITICAL") && !text.out().contains("Re-sign"), text.out());
                CheckLab.Run json = CheckLab.check(lab, "PT5S", "--json", "signed.test", "tls-valid.test");
                assertEquals(3, json.exit());
                assertEquals(List.of("resolver-failed", "resolver-failed"), json.results().stream()
                        .map(r -> r.advice().get(0).key()).toList(), json.out());
            }
        } finally {
            lab.resolverMode(io.mxray.lab.ResolverMode.HONEST);
        }
    }

    @Test
    void anUnusableNameOrADeadResolverIsUnknown() {
        CheckLab.Run name = CheckLab.check(lab, "PT5S", "not a domain!");
        assertEquals(3, name.exit(), name.out() + name.err());
        assertTrue(name.out().contains("UNKNOWN") && name.out().contains("is not a domain name"), name.out());
        // nothing answers on the discard port: the MX lookup times out
        CheckLab.Run dead = CheckLab.run("--resolver", "127.0.0.1:9", "--trust-anchor",
                lab.trustAnchorFile().toString(), "--dns-timeout", "PT0.3S", "--dns-attempts", "1", "--json",
                "tls-valid.test");
        assertEquals(3, dead.exit(), dead.out() + dead.err());
        assertEquals(List.of("resolver-failed"), dead.results().get(0).advice().stream().map(CheckAdvice::key).toList());
        assertTrue(dead.results().get(0).advice().get(0).text().contains("the DNS resolver 127.0.0.1:9 cannot be used"),
                dead.out());
        // a usage or configuration error is UNKNOWN too, never CRITICAL (2): the monitor must not page for it
        assertEquals(3, CheckLab.run("--no-such-option", "tls-valid.test").exit());
        // picocli reads what the quick reading declines, on the check's own class path too
        CheckLab.Run unknown = CheckLab.launch("--no-such-option", "tls-valid.test");
        assertEquals(3, unknown.exit(), unknown.err());
        assertTrue(unknown.err().contains("Unknown option: '--no-such-option'"), unknown.err());
        CheckLab.Run help = CheckLab.launch("--help");
        assertEquals(0, help.exit(), help.err());
        assertTrue(help.out().startsWith("Usage: mxray check"), help.out());
        CheckLab.Run ca = CheckLab.run("--ca-file", "/nonexistent/ca.pem", "tls-valid.test");
        assertEquals(3, ca.exit());
        assertTrue(ca.err().contains("cannot read the CA file /nonexistent/ca.pem"), ca.err());
        // unknown and critical together: critical wins, as a monitoring system needs
        CheckLab.Run both = CheckLab.check(lab, "PT5S", "not a domain!", "no-starttls.test", "tls-valid.test");
        assertEquals(2, both.exit(), both.out());
    }

    /**
     * Checks every domain of a family in one run (concurrently), then again as text; asserts the
     * table covers the family, and per domain the levels, the advice and the status.
     */
    private List<CheckResult> family(String family, Map<String, Expect> expected, String stepTimeout) {
        List<String> domains = lab.groundTruth().stream().filter(d -> d.family().equals(family))
                .map(ExpectedDomain::domain).toList();
        assertEquals(new TreeMap<>(expected).keySet(), new java.util.TreeSet<>(domains),
                "the table must name every scenario of family " + family);
        CheckLab.Run json = CheckLab.check(lab, stepTimeout, with("--json", domains));
        List<CheckResult> results = json.results();
        assertEquals(domains, results.stream().map(CheckResult::domain).toList(), "printed in input order");
        List<String> problems = new ArrayList<>();
        for (CheckResult r : results) {
            Expect x = expected.get(r.domain());
            List<String> keys = r.advice().stream().map(CheckAdvice::key).toList();
            if (r.status() != x.status() || !keys.equals(x.advice())) {
                problems.add(r.domain() + ": " + r.status() + " " + keys + ", expected " + x.status() + " "
                        + x.advice());
            }
            List<Level> levels = r.verdict().mxHosts().stream().map(MxHostVerdict::level).toList();
            List<Level> declared = truth.get(r.domain()).mx().stream()
                    .sorted(Comparator.comparingInt(ExpectedHost::preference)).map(ExpectedHost::level).toList();
            if (!levels.equals(declared)) {
                problems.add(r.domain() + ": levels " + levels + ", declared " + declared);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        CheckStatus worst = CheckStatus.worst(results.stream().map(CheckResult::status).toList());
        assertEquals(worst.exitCode(), json.exit());

        // the text report from a new JVM on the launcher's class path for check: what a user runs
        CheckLab.Run text = CheckLab.launch(lab, stepTimeout, domains.toArray(String[]::new));
        assertEquals(worst.exitCode(), text.exit(), text.err());
        assertTrue(text.err().isEmpty(), text.err());
        for (String line : text.out().split("\n")) {
            assertTrue(line.length() <= CheckText.WIDTH, "over 100 columns: " + line);
        }
        String flat = text.out().replaceAll("\\s+", " ");
        for (CheckResult r : results) {
            assertTrue(flat.contains(r.domain() + " " + r.status().name()), r.domain());
            for (CheckAdvice a : r.advice()) {
                String words = a.status().name() + " " + a.text().replaceAll("\\s+", " ");
                // the run is another run: addresses and keys are the same lab, digests too
                assertTrue(flat.contains(words), "the text report lacks: " + words);
            }
        }
        return results;
    }

    private static String[] with(String option, List<String> domains) {
        List<String> all = new ArrayList<>();
        all.add(option);
        all.addAll(domains);
        return all.toArray(String[]::new);
    }

    private static CheckResult result(List<CheckResult> results, String domain) {
        return results.stream().filter(r -> r.domain().equals(domain)).findFirst().orElseThrow();
    }

    private static CheckAdvice advice(List<CheckResult> results, String domain, String key) {
        return result(results, domain).advice().stream().filter(a -> a.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(domain + " has no " + key + " advice"));
    }
}
