package io.mxray.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.LabCa;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneCheck;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.TlsaDecision;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaRecord;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DANE judgement (RFC 7671, RFC 7672) against certificates made here, and the example records of
 * the RFCs. The expected verdicts are the RFCs' words, not the judge's code.
 */
class DaneJudgeTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final LabCa CA = new LabCa(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String HOST = "mx.example.test";

    private static TlsaLookup secure(TlsaRecord... records) {
        return new TlsaLookup(TlsaDecision.LOOKED_UP, HOST, LookupOutcome.OK, DnssecStatus.SECURE, null, List.of(records));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static String sha(String alg, byte[] b) throws Exception {
        return hex(MessageDigest.getInstance(alg).digest(b));
    }

    /** A record for {@code cert} with the given parameters, computed here from the certificate. */
    private static TlsaRecord record(int usage, int selector, int matching, X509Certificate cert) throws Exception {
        byte[] selected = selector == 0 ? cert.getEncoded() : cert.getPublicKey().getEncoded();
        String data = switch (matching) {
            case 0 -> hex(selected);
            case 1 -> sha("SHA-256", selected);
            default -> sha("SHA-512", selected);
        };
        return TlsaRecord.of(usage, selector, matching, data);
    }

    private static DaneResult judge(TlsaLookup tlsa, List<X509Certificate> chain) {
        return DaneJudge.judge(tlsa, chain, HOST, NOW);
    }

    private static List<X509Certificate> chain(X509Certificate... certs) {
        return List.of(certs);
    }

    @Test
    void daneEeMatchesEverySelectorAndMatchingType() throws Exception {
        X509Certificate leaf = CA.selfSigned(List.of(HOST)).leaf();
        for (int selector = 0; selector <= 1; selector++) {
            for (int matching = 0; matching <= 2; matching++) {
                DaneResult r = judge(secure(record(3, selector, matching, leaf)), chain(leaf));
                assertEquals(DaneStatus.VALID, r.status(), "3 " + selector + " " + matching);
                assertEquals(DaneCheck.DANE_EE, r.check());
                assertTrue(r.matched().startsWith("3 " + selector + " " + matching + " "), r.matched());
            }
        }
    }

    @Test
    void daneEeIgnoresNamesAndDates() throws Exception {
        // RFC 7672 section 3.1.1: with DANE-EE the name and the validity period are not checked
        X509Certificate expiredOtherName = CA.issue(LabCa.Issuer.SELF, List.of("elsewhere.invalid"),
                NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35)), false).leaf();
        assertEquals(DaneStatus.VALID, judge(secure(record(3, 1, 1, expiredOtherName)), chain(expiredOtherName))
                .status());
    }

    @Test
    void daneEeMatchesOnlyTheLeaf() throws Exception {
        X509Certificate leaf = CA.issue(LabCa.Issuer.INTERMEDIATE, List.of(HOST), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)), false).leaf();
        DaneResult r = judge(secure(record(3, 1, 1, CA.intermediate())), chain(leaf, CA.intermediate()));
        assertEquals(DaneStatus.MISMATCH, r.status());
    }

    @Test
    void aRecordForAnotherKeyIsAMismatch() throws Exception {
        X509Certificate leaf = CA.selfSigned(List.of(HOST)).leaf();
        X509Certificate other = CA.selfSigned(List.of(HOST)).leaf();
        DaneResult r = judge(secure(record(3, 1, 1, other)), chain(leaf));
        assertEquals(new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("no-record-matched")), r);
    }

    @Test
    void rolloverWithAStaleAndACurrentKeyMatchesTheCurrent() throws Exception {
        // RFC 7671 section 8.1: publish the new key's record next to the old one
        X509Certificate current = CA.selfSigned(List.of(HOST)).leaf();
        X509Certificate stale = CA.selfSigned(List.of(HOST)).leaf();
        TlsaRecord currentRecord = record(3, 1, 1, current);
        DaneResult r = judge(secure(record(3, 1, 1, stale), currentRecord), chain(current));
        assertEquals(DaneStatus.VALID, r.status());
        assertEquals(currentRecord.presentation(), r.matched(), "the result names the record that matched");
    }

    @Test
    void daneTaMatchesACaCertificateTheServerSent() throws Exception {
        X509Certificate leaf = CA.issue(LabCa.Issuer.PRIVATE, List.of(HOST), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)), false).leaf();
        for (int selector = 0; selector <= 1; selector++) {
            DaneResult r = judge(secure(record(2, selector, 1, CA.privateCa())), chain(leaf, CA.privateCa()));
            assertEquals(DaneStatus.VALID, r.status(), "2 " + selector + " 1");
            assertEquals(DaneCheck.DANE_TA, r.check());
        }
    }

    @Test
    void daneTaThroughAnIntermediateToTheRoot() throws Exception {
        X509Certificate leaf = CA.issue(LabCa.Issuer.INTERMEDIATE, List.of(HOST), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)), false).leaf();
        // the root as trust anchor, sent after the intermediate; and out of order
        assertEquals(DaneStatus.VALID, judge(secure(record(2, 0, 1, CA.root())),
                chain(leaf, CA.intermediate(), CA.root())).status());
        assertEquals(DaneStatus.VALID, judge(secure(record(2, 0, 1, CA.root())),
                chain(leaf, CA.root(), CA.intermediate())).status());
        // the intermediate itself as trust anchor
        assertEquals(DaneStatus.VALID, judge(secure(record(2, 1, 1, CA.intermediate())),
                chain(leaf, CA.intermediate())).status());
    }

    @Test
    void daneTaNotSentByTheServerCannotMatch() throws Exception {
        // RFC 7672 section 3.1.2: the server must include the trust anchor in its chain
        X509Certificate leaf = CA.issue(LabCa.Issuer.PRIVATE, List.of(HOST), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)), false).leaf();
        DaneResult r = judge(secure(record(2, 0, 1, CA.privateCa())), chain(leaf));
        assertEquals(new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("dane-ta-not-sent")), r);
    }

    @Test
    void daneTaRequiresTheLeafToNameTheHost() throws Exception {
        X509Certificate leaf = CA.issue(LabCa.Issuer.PRIVATE, List.of("mail.elsewhere.test"),
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), false).leaf();
        DaneResult r = judge(secure(record(2, 0, 1, CA.privateCa())), chain(leaf, CA.privateCa()));
        assertEquals(new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("dane-ta-name-mismatch")), r);
    }

    @Test
    void daneTaAcceptsTheTlsaBaseDomainOrTheMxHostName() throws Exception {
        // RFC 7672 section 3.2.3: the TLSA base domain (after a secure CNAME) and the MX host name
        X509Certificate leaf = CA.issue(LabCa.Issuer.PRIVATE, List.of("real.provider.test"),
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), false).leaf();
        TlsaLookup viaCname = new TlsaLookup(TlsaDecision.LOOKED_UP, "real.provider.test", LookupOutcome.OK, DnssecStatus.SECURE,
                null, List.of(record(2, 0, 1, CA.privateCa())));
        assertEquals(DaneStatus.VALID, DaneJudge.judge(viaCname, chain(leaf, CA.privateCa()), HOST, NOW).status());
        X509Certificate wildcard = CA.issue(LabCa.Issuer.PRIVATE, List.of("*.example.test"),
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), false).leaf();
        assertEquals(DaneStatus.VALID, judge(secure(record(2, 0, 1, CA.privateCa())),
                chain(wildcard, CA.privateCa())).status(), "a wildcard naming the MX host");
    }

    @Test
    void daneTaChecksTheLeafDates() throws Exception {
        X509Certificate expired = CA.issue(LabCa.Issuer.PRIVATE, List.of(HOST), NOW.minus(Duration.ofDays(100)),
                NOW.minus(Duration.ofDays(1)), false).leaf();
        DaneResult r = judge(secure(record(2, 0, 1, CA.privateCa())), chain(expired, CA.privateCa()));
        assertEquals(new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("dane-ta-leaf-out-of-validity")), r);
    }

    @Test
    void daneTaNeedsTheSignatureChain() throws Exception {
        // a leaf of the private CA, with the lab root sent and named by the record: no path
        X509Certificate leaf = CA.issue(LabCa.Issuer.PRIVATE, List.of(HOST), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(30)), false).leaf();
        DaneResult r = judge(secure(record(2, 0, 1, CA.root())), chain(leaf, CA.root()));
        assertEquals(new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("dane-ta-no-path")), r);
    }

    @Test
    void usagesZeroAndOneAreUnusableForSmtp() throws Exception {
        // RFC 7672 section 3.1.3: PKIX-TA(0) and PKIX-EE(1) records are unusable
        X509Certificate leaf = CA.issue(List.of(HOST)).leaf();
        TlsaRecord pkixEe = record(1, 1, 1, leaf);
        TlsaRecord pkixTa = record(0, 0, 1, CA.root());
        assertFalse(pkixEe.usable());
        assertFalse(pkixTa.usable());
        DaneResult r = judge(secure(pkixEe, pkixTa), chain(leaf, CA.root()));
        assertEquals(DaneStatus.UNUSABLE_ONLY, r.status(), "TLS required, not authenticated");
        // one usable record next to unusable ones decides
        assertEquals(DaneStatus.VALID, judge(secure(pkixEe, record(3, 1, 1, leaf)), chain(leaf)).status());
    }

    @Test
    void theRfcExampleRecordsParseAsTheRfcsSay() {
        // RFC 7671 section 5.1 and RFC 7672 section 3.1: "3 1 1" and "2 0 1" are the recommended forms
        TlsaRecord ee = TlsaRecord.of(3, 1, 1,
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        TlsaRecord ta = TlsaRecord.of(2, 0, 1,
                "d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971");
        assertTrue(ee.usable());
        assertTrue(ta.usable());
        // unknown parameters (RFC 6698 section 7: a client treats them as unusable)
        assertFalse(TlsaRecord.of(4, 1, 1, ee.data()).usable());
        assertFalse(TlsaRecord.of(3, 2, 1, ee.data()).usable());
        assertFalse(TlsaRecord.of(3, 1, 3, ee.data()).usable());
        // a SHA-256 record whose data is not 32 bytes can never match
        assertFalse(TlsaRecord.of(3, 1, 1, "e3b0c442").usable());
    }

    @Test
    void aBogusOrFailedTlsaLookupMakesADaneSenderDefer() throws Exception {
        X509Certificate leaf = CA.selfSigned(List.of(HOST)).leaf();
        List<TlsaLookup> failures = new ArrayList<>();
        failures.add(new TlsaLookup(TlsaDecision.LOOKED_UP, HOST, LookupOutcome.OK, DnssecStatus.BOGUS, "signature-expired",
                List.of(record(3, 1, 1, leaf))));
        failures.add(new TlsaLookup(TlsaDecision.LOOKED_UP, HOST, LookupOutcome.SERVFAIL, DnssecStatus.INDETERMINATE, null,
                List.of()));
        failures.add(new TlsaLookup(TlsaDecision.LOOKED_UP, HOST, LookupOutcome.TIMEOUT, null, null, List.of()));
        failures.add(new TlsaLookup(TlsaDecision.LOOKED_UP, HOST, LookupOutcome.NXDOMAIN, DnssecStatus.INDETERMINATE,
                "dnskey-lookup-failed", List.of()));
        for (TlsaLookup t : failures) {
            DaneResult r = judge(t, chain(leaf));
            assertEquals(DaneStatus.BOGUS, r.status(), t.toString());
            assertTrue(r.reason().text().startsWith("tlsa-"), r.reason().text());
        }
    }

    @Test
    void daneDoesNotApplyWithoutASecureRrset() throws Exception {
        X509Certificate leaf = CA.selfSigned(List.of(HOST)).leaf();
        assertEquals(DaneStatus.NONE, judge(null, chain(leaf)).status());
        assertEquals(DaneStatus.NONE, judge(new TlsaLookup(TlsaDecision.SKIPPED_ADDRESS_INSECURE, HOST, null, null, null,
                List.of()), chain(leaf)).status());
        assertEquals(DaneStatus.NONE, judge(new TlsaLookup(TlsaDecision.LOOKED_UP, HOST, LookupOutcome.OK, DnssecStatus.INSECURE,
                null, List.of(record(3, 1, 1, leaf))), chain(leaf)).status(), "records in an unsigned zone");
        assertEquals(DaneStatus.NONE, judge(new TlsaLookup(TlsaDecision.LOOKED_UP, HOST, LookupOutcome.NXDOMAIN,
                DnssecStatus.SECURE, null, List.of()), chain(leaf)).status(), "proven absent");
    }

    @Test
    void usableRecordsWithoutTlsAreAMismatch() throws Exception {
        X509Certificate leaf = CA.selfSigned(List.of(HOST)).leaf();
        assertEquals(new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("no-tls")),
                judge(secure(record(3, 1, 1, leaf)), null));
    }

    @Test
    void hostileRecordDataNeverThrows() {
        X509Certificate leaf = CA.selfSigned(List.of(HOST)).leaf();
        TlsaRecord notHex = new TlsaRecord(3, 1, 0, "zz-not-hex", true, null);
        TlsaRecord odd = new TlsaRecord(2, 1, 1, "abc", true, null);
        assertEquals(DaneStatus.MISMATCH, judge(secure(notHex, odd), chain(leaf, leaf)).status());
    }

    /** RFC 7672 section 2.2: bogus or unvalidated address records are a failed TLSA lookup, whatever the chain. */
    @Test
    void bogusAddressesMakeDaneBogusNeverNone() {
        assertEquals(new DaneResult(DaneStatus.BOGUS, null, null, DaneReason.parse("address-bogus")), DaneJudge.judge(
                io.mxray.schema.TlsaLookup.skipped(io.mxray.schema.TlsaDecision.SKIPPED_ADDRESS_BOGUS), null, "mx.example",
                java.time.Instant.now()));
        assertEquals(new DaneResult(DaneStatus.BOGUS, null, null, DaneReason.parse("address-indeterminate")), DaneJudge.judge(
                io.mxray.schema.TlsaLookup.skipped(io.mxray.schema.TlsaDecision.SKIPPED_ADDRESS_UNVALIDATED), null,
                "mx.example", java.time.Instant.now()));
        assertEquals(DaneStatus.NONE, DaneJudge.judge(io.mxray.schema.TlsaLookup.skipped(
                io.mxray.schema.TlsaDecision.SKIPPED_ADDRESS_INSECURE), null, "mx.example", java.time.Instant.now()).status());
    }

    // --- DANE-TA paths: what each issuer must be (RFC 5280 constraints) and the work one judgement may cost

    private static java.security.KeyPair keys() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    /** A certificate: a CA (with pathLen and key usage as given, null for none) or a leaf naming HOST. */
    private static X509Certificate cert(String subject, java.security.PublicKey key, String issuer,
                                        java.security.PrivateKey signer, boolean ca, Integer pathLen, Integer keyUsage)
            throws Exception {
        var b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                new org.bouncycastle.asn1.x500.X500Name(issuer), java.math.BigInteger.valueOf(System.nanoTime()),
                java.util.Date.from(NOW.minusSeconds(86_400)), java.util.Date.from(NOW.plusSeconds(86_400 * 30)),
                new org.bouncycastle.asn1.x500.X500Name(subject), key);
        if (ca) {
            b.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true, pathLen == null
                    ? new org.bouncycastle.asn1.x509.BasicConstraints(true)
                    : new org.bouncycastle.asn1.x509.BasicConstraints(pathLen));
        } else {
            b.addExtension(org.bouncycastle.asn1.x509.Extension.subjectAlternativeName, false,
                    new org.bouncycastle.asn1.x509.GeneralNames(new org.bouncycastle.asn1.x509.GeneralName(
                            org.bouncycastle.asn1.x509.GeneralName.dNSName, HOST)));
        }
        if (keyUsage != null) {
            b.addExtension(org.bouncycastle.asn1.x509.Extension.keyUsage, true,
                    new org.bouncycastle.asn1.x509.KeyUsage(keyUsage));
        }
        var signed = b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                .build(signer));
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(signed);
    }

    @Test
    void daneTaIssuersMustBeCasAllowedToSignWithRoomInTheirPathLength() throws Exception {
        int sign = org.bouncycastle.asn1.x509.KeyUsage.keyCertSign;
        var taKeys = keys();
        var midKeys = keys();
        var leafKeys = keys();
        X509Certificate ta = cert("CN=TA", taKeys.getPublic(), "CN=TA", taKeys.getPrivate(), true, null, sign);
        X509Certificate leafOfTa = cert("CN=" + HOST, leafKeys.getPublic(), "CN=TA", taKeys.getPrivate(), false, null,
                null);
        TlsaLookup tlsa = secure(record(2, 0, 1, ta));
        assertEquals(DaneStatus.VALID, judge(tlsa, chain(leafOfTa, ta)).status(), "the control: a proper CA");

        // the trust anchor is no CA (no basicConstraints cA=TRUE): it may not sign the leaf
        X509Certificate notCa = cert("CN=TA", taKeys.getPublic(), "CN=TA", taKeys.getPrivate(), false, null, null);
        DaneResult r = judge(secure(record(2, 0, 1, notCa)), chain(leafOfTa, notCa));
        assertEquals(new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("dane-ta-issuer-not-ca")), r);

        // a CA whose key usage leaves out keyCertSign
        X509Certificate noSign = cert("CN=TA", taKeys.getPublic(), "CN=TA", taKeys.getPrivate(), true, null,
                org.bouncycastle.asn1.x509.KeyUsage.digitalSignature);
        assertEquals("dane-ta-issuer-key-usage", judge(secure(record(2, 0, 1, noSign)), chain(leafOfTa, noSign))
                .reason().text());

        // pathLen 0 on the anchor: it may sign the leaf, not an intermediate CA that signs the leaf
        X509Certificate ta0 = cert("CN=TA", taKeys.getPublic(), "CN=TA", taKeys.getPrivate(), true, 0, sign);
        X509Certificate mid = cert("CN=Mid", midKeys.getPublic(), "CN=TA", taKeys.getPrivate(), true, null, sign);
        X509Certificate leafOfMid = cert("CN=" + HOST, leafKeys.getPublic(), "CN=Mid", midKeys.getPrivate(), false,
                null, null);
        assertEquals(DaneStatus.VALID, judge(secure(record(2, 0, 1, ta0)), chain(leafOfTa, ta0)).status());
        assertEquals("dane-ta-path-length", judge(secure(record(2, 0, 1, ta0)), chain(leafOfMid, mid, ta0)).reason().text());
        assertEquals(DaneStatus.VALID, judge(secure(record(2, 0, 1, ta)), chain(leafOfMid, mid, ta)).status(),
                "without the constraint the same path is fine");
    }

    /**
     * Ten certificates with the leaf's issuer name, none of which signed it, and a record for each:
     * without a bound every record would try every certificate; the judgement stops at its budget.
     */
    @Test
    void daneTaPathBuildingStopsAtItsBudget() throws Exception {
        int sign = org.bouncycastle.asn1.x509.KeyUsage.keyCertSign;
        var leafKeys = keys();
        var realCa = keys();
        X509Certificate leaf = cert("CN=" + HOST, leafKeys.getPublic(), "CN=Decoy", realCa.getPrivate(), false, null,
                null);
        List<X509Certificate> sent = new java.util.ArrayList<>(List.of(leaf));
        List<TlsaRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            var k = keys();
            X509Certificate decoy = cert("CN=Decoy", k.getPublic(), "CN=Decoy", k.getPrivate(), true, null, sign);
            sent.add(decoy);
            records.add(record(2, 0, 1, decoy));
        }
        DaneResult r = judge(secure(records.toArray(TlsaRecord[]::new)), sent);
        assertEquals(DaneStatus.MISMATCH, r.status());
        assertEquals("dane-ta-work-limit", r.reason().text(), "9 records x 9 candidate issuers = 81 verifications asked for");
    }
}
