package io.mxray.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.schema.CertType;
import io.mxray.schema.CertificateFacts;
import io.mxray.schema.CheckAdvice;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckStatus;
import io.mxray.schema.CheckedAddress;
import io.mxray.schema.DaneCheck;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Level;
import io.mxray.schema.StsMode;
import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.PolicyStatus;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.Keys;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MtaStsTxt;
import io.mxray.schema.MxHost;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.Timings;
import io.mxray.schema.TlsRptTxt;
import io.mxray.schema.TlsSession;
import io.mxray.schema.TlsaDecision;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaMatch;
import io.mxray.schema.TlsaRecord;
import io.mxray.schema.TxtStatus;
import io.mxray.verdict.DomainVerdicts;
import io.mxray.verdict.ProbeVerdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The text report's format, guarded: a fixed domain (one DANE host whose certificate expires
 * soon, one host without STARTTLS, a malformed MTA-STS record) renders exactly as the golden
 * file, within 100 columns. After a deliberate change, regenerate the file with
 * {@code -Dmxray.golden.update=true} and review the difference.
 */
class CheckTextGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden/check-text.txt");
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final String SPKI = "8cb0fc6c527506a053f4f14c8464bebbd6dede2738d11468dd953d7d6a3021f1";
    private static final String CA_SPKI = "5b1e3c0f4ad2e6b0c2a9d84f1e7a3b6c9d0e2f41a7b8c9d0e1f2a3b4c5d6e7f8";

    static CheckResult example() {
        TlsaLookup tlsa = new TlsaLookup(TlsaDecision.LOOKED_UP, "mx1.example.org", LookupOutcome.OK, DnssecStatus.SECURE, null,
                List.of(TlsaRecord.of(3, 1, 1, SPKI)));
        MxHost mx1 = new MxHost("mx1.example.org", 10, List.of("192.0.2.25"), LookupOutcome.OK, null, List.of(),
                DnssecStatus.SECURE, null, tlsa);
        MxHost mx2 = new MxHost("mx2.example.org", 20, List.of("192.0.2.26"), LookupOutcome.OK, null, List.of(),
                DnssecStatus.SECURE, null, new TlsaLookup(TlsaDecision.LOOKED_UP, "mx2.example.org", LookupOutcome.NXDOMAIN,
                DnssecStatus.SECURE, null, List.of()));
        String k1 = "check|192.0.2.25|25|mx1.example.org|tlsa";
        String k2 = "check|192.0.2.26|25|mx2.example.org|tlsa";
        DnsResult dns = new DnsResult("check", "example.org", null, DnsOutcome.MX, null, List.of(mx1, mx2),
                List.of(k1, k2), NOW, 40, DnssecStatus.SECURE, null,
                new MtaStsTxt(TxtStatus.MALFORMED, null, "id-syntax", DnssecStatus.SECURE, List.of("v=STSv1; id=not valid")),
                new TlsRptTxt(TxtStatus.VALID, List.of("mailto:tlsrpt@example.org"), null, DnssecStatus.SECURE,
                        List.of("v=TLSRPTv1; rua=mailto:tlsrpt@example.org")), 9);
        ProbeResult p1 = new ProbeResult("check", k1, "192.0.2.25", 25, "mx1.example.org",
                ProbeOutcome.TLS_ESTABLISHED, null, Level.VERIFIED, CertType.CA_VALID, "dane-ee",
                new DaneResult(DaneStatus.VALID, DaneCheck.DANE_EE, "3 1 1 " + SPKI, null),
                List.of("220 mx1.example.org ESMTP ready"), List.of("PIPELINING", "STARTTLS"),
                new TlsSession("TLSv1.3", "TLS_AES_256_GCM_SHA384", "x25519", "mx1.example.org", List.of()),
                new Timings(1L, 3L, 2L, 1L, 9L, 16), NOW);
        ProbeResult p2 = new ProbeResult("check", k2, "192.0.2.26", 25, "mx2.example.org", ProbeOutcome.NO_STARTTLS,
                null, Level.PLAINTEXT, null, "starttls", DaneResult.none(DaneReason.Key.NO_TLSA),
                List.of("220 mx2.example.org ESMTP"), List.of("PIPELINING"), null, new Timings(1L, 2L, 1L, null, null, 4),
                NOW);
        CertificateFacts leaf = new CertificateFacts("CN=mx1.example.org", "CN=Example Issuing CA 2026,O=Example "
                + "Trust Services Limited,C=GB", Instant.parse("2026-09-10T00:00:00Z"),
                Instant.parse("2026-12-11T00:00:00Z"), "EC", 256, "P-256", List.of("mx1.example.org", "mail.example.org"),
                SPKI, "0f".repeat(32), false, false);
        CertificateFacts ca = new CertificateFacts("CN=Example Issuing CA 2026,O=Example Trust Services Limited,C=GB",
                "CN=Example Root CA,O=Example Trust Services Limited,C=GB", Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2030-01-01T00:00:00Z"), "RSA", 2048, null, List.of(), CA_SPKI, "1e".repeat(32), false, true);
        CheckedAddress a1 = new CheckedAddress(p1, Level.VERIFIED, null, List.of(leaf, ca),
                List.of(new TlsaMatch("3 1 1 " + SPKI, true, 0, null)), List.of());
        CheckedAddress a2 = new CheckedAddress(p2, null, null, List.of(), List.of(), List.of());
        Map<String, ProbeVerdict> verdicts = new HashMap<>();
        verdicts.put(k1, ProbeVerdict.of(p1));
        verdicts.put(k2, ProbeVerdict.of(p2));
        DomainResult verdict = DomainVerdicts.assemble(dns, verdicts, NOW);
        List<CheckedAddress> addresses = List.of(a1, a2);
        List<CheckAdvice> advice = Advisor.advise(dns, addresses, verdict, NOW);
        return new CheckResult("example.org", "example.org", CheckStatus.worst(advice.stream()
                .map(CheckAdvice::status).toList()), null, NOW, 212, dns, addresses, verdict, advice);
    }

    private static final Path GOLDEN_STS = Path.of("src/test/resources/golden/check-text-mta-sts.txt");

    /**
     * The same domain publishing MTA-STS (RFC 8461) in enforce mode, its policy listing mx1 only and
     * no TLS-RPT record: mx2 is not listed (CRITICAL), and failure reports have nowhere to go.
     */
    static CheckResult mtaStsExample() {
        CheckResult base = example();
        DnsResult d = base.dns();
        String id = "20261129";
        String key = Keys.policyKey("check", "mta-sts.example.org", id);
        DnsResult dns = new DnsResult(d.scanId(), d.domain(), d.rank(), d.outcome(), d.reason(), d.mxHosts(),
                d.probeKeys(), d.resolvedAt(), d.elapsedMs(), d.mxDnssec(), d.mxDnssecReason(),
                new MtaStsTxt(TxtStatus.VALID, id, null, DnssecStatus.SECURE, List.of("v=STSv1; id=" + id)),
                new TlsRptTxt(TxtStatus.NONE, null, null, DnssecStatus.SECURE, List.of()), d.lookups(), null, key);
        PolicyResult policy = new PolicyResult("check", key, "example.org", "mta-sts.example.org", id,
                PolicyStatus.VALID, null, new MtaStsPolicy(StsMode.ENFORCE, List.of("mx1.example.org"), 604800),
                "192.0.2.80", "TLSv1.3", CertType.CA_VALID, 200, "text/plain",
                "version: STSv1\nmode: enforce\nmx: mx1.example.org\nmax_age: 604800\n", 61, NOW, 30);
        Map<String, ProbeVerdict> verdicts = new HashMap<>();
        for (CheckedAddress a : base.addresses()) {
            ProbeResult p = a.probe();
            verdicts.put(p.probeKey(), new ProbeVerdict(p.probeKey(), p.ip(), p.mxHost(), p.level(), p.certType(),
                    p.outcome(), p.reason(), p.dane(), a.pkixLevel(),
                    p.tls() == null ? null : new ProbeVerdict.Tls(p.tls().protocol())));
        }
        DomainResult verdict = DomainVerdicts.assemble(dns, verdicts, policy, NOW);
        List<CheckAdvice> advice = Advisor.advise(dns, base.addresses(), verdict, NOW);
        return new CheckResult("example.org", "example.org", CheckStatus.worst(advice.stream()
                .map(CheckAdvice::status).toList()), null, NOW, 212, dns, base.addresses(), verdict, advice, policy);
    }

    @Test
    void theMtaStsPartKeepsItsFormat() throws Exception {
        CheckResult r = mtaStsExample();
        assertEquals(CheckStatus.CRITICAL, r.status(), "an enforce policy that leaves out an MX host");
        assertEquals(List.of("mta-sts-unlisted", "tls-rpt-missing"), r.advice().stream().map(CheckAdvice::key)
                .filter(k -> k.startsWith("mta-sts") || k.startsWith("tls-rpt")).toList());
        String text = CheckText.render(r);
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= CheckText.WIDTH, "over 100 columns: " + line);
        }
        if (Boolean.getBoolean("mxray.golden.update")) {
            Files.writeString(GOLDEN_STS, text, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN_STS, StandardCharsets.UTF_8), text);
        assertEquals(r, io.mxray.schema.Json.mapper().readValue(io.mxray.schema.Json.mapper().writeValueAsString(r),
                CheckResult.class), "the JSON form carries the policy");
    }

    @Test
    void theTextReportKeepsItsFormat() throws Exception {
        String text = CheckText.render(example());
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= CheckText.WIDTH, "over 100 columns: " + line);
        }
        if (Boolean.getBoolean("mxray.golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, text, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), text);
    }

    /**
     * A server's banner and certificate can carry escape sequences and bidirectional overrides:
     * the text report shows none of them (each becomes "?"), whatever the value came from.
     */
    @Test
    void controlCharactersFromTheInternetNeverReachTheTerminal() {
        CheckResult r = example();
        CheckedAddress a = r.addresses().get(0);
        ProbeResult p = a.probe();
        String evil = "\u001b]8;;http://evil\u0007click\u001b[2J\u009b31m\u202eevil\u0000";
        ProbeResult hostile = new ProbeResult(p.scanId(), p.probeKey(), p.ip(), p.port(), p.mxHost(), p.outcome(),
                p.reason(), p.level(), p.certType(), p.decidedBy(), p.dane(), List.of("220 " + evil), p.ehlo(), p.tls(),
                p.timings(), p.probedAt());
        CertificateFacts c = a.chain().get(0);
        CertificateFacts forged = new CertificateFacts("CN=" + evil, c.issuer(), c.notBefore(), c.notAfter(),
                c.keyType(), c.keyBits(), c.curve(), List.of("mx1.example.org", evil), c.spkiSha256(), c.certSha256(),
                c.selfSigned(), c.ca());
        CheckedAddress bad = new CheckedAddress(hostile, a.pkixLevel(), a.pkixReason(), List.of(forged), a.tlsa(),
                a.ignoredTlsa());
        CheckResult shown = new CheckResult(r.input(), r.domain(), r.status(), r.error(), r.checkedAt(), r.elapsedMs(),
                r.dns(), List.of(bad, r.addresses().get(1)), r.verdict(), r.advice());
        String text = CheckText.render(shown);
        for (char ch : text.toCharArray()) {
            boolean control = ch != '\n' && (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f));
            assertTrue(!control && ch != '\u202e', "a control character reached the text: U+"
                    + Integer.toHexString(ch));
        }
        assertTrue(text.contains("?]8;;http://evil?click?[2J?31m?evil?"), text);
    }

    /** {@code --json} gives back every fact: reading what it wrote gives the same result. */
    @Test
    void theJsonFormRoundTrips() throws Exception {
        CheckResult r = example();
        String json = io.mxray.schema.Json.mapper().writeValueAsString(r);
        assertEquals(r, io.mxray.schema.Json.mapper().readValue(json, CheckResult.class));
        assertTrue(json.contains("\"status\":\"warning\"") && json.contains("\"key\":\"tlsa-no-rollover\""), json);
    }

    /** Whether the TLSA that matches now survives a renewal that keeps the key depends on its selector and usage. */
    @Test
    void theExpiryAdviceSaysWhichPublishedRecordsSurviveARenewal() {
        CheckResult r = example();
        CheckedAddress a = r.addresses().get(0);
        String certRecord = "3 0 1 " + a.chain().get(0).certSha256();
        String caRecord = "2 1 1 " + CA_SPKI;
        TlsaLookup tlsa = new TlsaLookup(TlsaDecision.LOOKED_UP, "mx1.example.org", LookupOutcome.OK, DnssecStatus.SECURE, null,
                List.of(TlsaRecord.of(3, 0, 1, a.chain().get(0).certSha256()), TlsaRecord.of(2, 1, 1, CA_SPKI)));
        DnsResult dns = new DnsResult(r.dns().scanId(), r.dns().domain(), null, r.dns().outcome(), null,
                List.of(new MxHost("mx1.example.org", 10, List.of("192.0.2.25"), LookupOutcome.OK, null, List.of(),
                        DnssecStatus.SECURE, null, tlsa)), List.of(a.probe().probeKey()), NOW, 1,
                DnssecStatus.SECURE, null, null, null, 3);
        CheckedAddress both = new CheckedAddress(a.probe(), Level.VERIFIED, null, a.chain(),
                List.of(new TlsaMatch(certRecord, true, 0, null), new TlsaMatch(caRecord, true, 1, null)), List.of());
        Map<String, ProbeVerdict> verdicts = Map.of(a.probe().probeKey(), ProbeVerdict.of(a.probe()));
        List<CheckAdvice> advice = Advisor.advise(dns, List.of(both), DomainVerdicts.assemble(dns, verdicts, NOW), NOW);
        assertEquals(List.of("cert-expiring"), advice.stream().map(CheckAdvice::key).toList(), advice.toString());
        String text = advice.get(0).text();
        assertTrue(text.contains("The published TLSA 2 1 1 (the issuing CA: as long as the same CA signs the new "
                + "certificate) survives a renewal that keeps the key."), text);
        assertTrue(text.contains("The published TLSA 3 0 1 matches the whole certificate and breaks at any renewal"),
                text);
    }

    @Test
    void theAdviceOfTheExampleIsWhatAnOperatorNeeds() {
        CheckResult r = example();
        assertEquals(CheckStatus.WARNING, r.status());
        assertEquals(List.of("tlsa-no-rollover", "cert-expiring", "no-starttls", "mx-disagree", "mta-sts-malformed"),
                r.advice().stream().map(CheckAdvice::key).toList());
        String expiring = r.advice().stream().filter(a -> a.key().equals("cert-expiring")).findFirst().orElseThrow().text();
        assertTrue(expiring.contains("expires on 2026-12-11 (in 11 days)"), expiring);
        assertTrue(expiring.contains("TLSA 3 1 1 survives a renewal that keeps the key"), expiring);
    }
}
