package io.mxray.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mxray.lab.LabCa;
import io.mxray.schema.CertType;
import io.mxray.schema.Level;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PKIX judgement, table by table, against certificates of the lab CA at a fixed "now". */
class CertificateJudgeTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final LabCa CA = new LabCa(CLOCK);
    private static final LabCa OTHER_CA = new LabCa(CLOCK);
    private final CertificateJudge judge = new CertificateJudge(Set.of(new TrustAnchor(CA.root(), null)), CLOCK);

    private Judgement judge(List<X509Certificate> chain, String host) {
        return judge.judge(chain, host);
    }

    @Test
    void caIssuedCertificateNamingTheHostIsVerified() {
        var j = judge(CA.issue(List.of("mx.example.test")).chain(), "mx.example.test");
        assertEquals(new Judgement(Level.VERIFIED, CertType.CA_VALID, "pkix+name", null), j);
    }

    @Test
    void nameIsMatchedCaseInsensitivelyAndWithoutTrailingDot() {
        var j = judge(CA.issue(List.of("MX.Example.TEST")).chain(), "mx.example.test.");
        assertEquals(Level.VERIFIED, j.level());
    }

    @Test
    void caIssuedCertificateForAnotherNameIsTrusted() {
        var j = judge(CA.issue(List.of("mail.elsewhere.test")).chain(), "mx.example.test");
        assertEquals(new Judgement(Level.TRUSTED, CertType.CA_NAME_MISMATCH, "pkix+name", "name-mismatch"), j);
    }

    @Test
    void wildcardCoversOneLabel() {
        var chain = CA.issue(List.of("*.example.test")).chain();
        assertEquals(Level.VERIFIED, judge(chain, "mx.example.test").level());
        assertEquals(Level.TRUSTED, judge(chain, "a.mx.example.test").level());
        assertEquals(Level.TRUSTED, judge(chain, "example.test").level());
    }

    @Test
    void expiredCertificateIsUntrustedAndExpired() {
        var chain = CA.issue(List.of("mx.example.test"), NOW.minus(Duration.ofDays(120)), NOW.minus(Duration.ofDays(1)))
                .chain();
        assertEquals(new Judgement(Level.UNTRUSTED, CertType.EXPIRED, "pkix", "expired"), judge(chain, "mx.example.test"));
    }

    @Test
    void notYetValidCertificateIsUntrustedAndNotYetValid() {
        var chain = CA.issue(List.of("mx.example.test"), NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(90)))
                .chain();
        assertEquals(new Judgement(Level.UNTRUSTED, CertType.NOT_YET_VALID, "pkix", "not-yet-valid"),
                judge(chain, "mx.example.test"));
    }

    @Test
    void selfSignedCertificateIsUntrustedAndSelfSigned() {
        var chain = CA.selfSigned(List.of("mx.example.test")).chain();
        assertEquals(new Judgement(Level.UNTRUSTED, CertType.SELF_SIGNED, "pkix", "self-signed"),
                judge(chain, "mx.example.test"));
    }

    @Test
    void certificateFromAnUnknownCaIsUntrustedIssuer() {
        var chain = OTHER_CA.issue(List.of("mx.example.test")).chain();
        assertEquals(new Judgement(Level.UNTRUSTED, CertType.UNTRUSTED_ISSUER, "pkix", "no-valid-path"),
                judge(chain, "mx.example.test"));
    }

    @Test
    void expiredCertificateFromAnUnknownCaIsUntrustedIssuerNotExpired() {
        // what is wrong first is the issuer: a valid date would not make it trusted
        var chain = OTHER_CA.issue(List.of("mx.example.test"), NOW.minus(Duration.ofDays(90)),
                NOW.minus(Duration.ofDays(1))).chain();
        assertEquals(CertType.UNTRUSTED_ISSUER, judge(chain, "mx.example.test").certType());
    }

    @Test
    void emptyChainIsUntrusted() {
        assertEquals(Level.UNTRUSTED, judge(List.of(), "mx.example.test").level());
    }

    @Test
    void anEmptyCaBundleIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CertificateJudge(Set.of(), CLOCK));
    }
}
