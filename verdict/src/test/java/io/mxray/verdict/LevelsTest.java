package io.mxray.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneCheck;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Level;
import org.junit.jupiter.api.Test;

/** The level of a TLS probe under DANE (SPEC, Verdicts; RFC 7672 section 2.2): one test per rule. */
class LevelsTest {
    private static final Judgement PKIX_VERIFIED = new Judgement(Level.VERIFIED, CertType.CA_VALID, "pkix+name", null);
    private static final Judgement PKIX_TRUSTED =
            new Judgement(Level.TRUSTED, CertType.CA_NAME_MISMATCH, "pkix+name", "name-mismatch");
    private static final Judgement SELF_SIGNED =
            new Judgement(Level.UNTRUSTED, CertType.SELF_SIGNED, "pkix", "self-signed");

    @Test
    void daneAppliesAndMatchesAPkixValidChain() {
        DaneResult ee = new DaneResult(DaneStatus.VALID, DaneCheck.DANE_EE, "3 1 1 ab", null);
        assertEquals(new Judgement(Level.VERIFIED, CertType.CA_VALID, "dane-ee", null), Levels.withTls(PKIX_VERIFIED, ee));
    }

    @Test
    void daneAppliesAndMatchesAChainTheWebPkiRefuses() {
        DaneResult ee = new DaneResult(DaneStatus.VALID, DaneCheck.DANE_EE, "3 1 1 ab", null);
        assertEquals(new Judgement(Level.VERIFIED, CertType.DANE_ONLY, "dane-ee", null), Levels.withTls(SELF_SIGNED, ee));
        DaneResult ta = new DaneResult(DaneStatus.VALID, DaneCheck.DANE_TA, "2 0 1 cd", null);
        assertEquals(new Judgement(Level.VERIFIED, CertType.DANE_ONLY, "dane-ta", null), Levels.withTls(PKIX_TRUSTED, ta));
    }

    @Test
    void daneAppliesAndMismatchesAPkixValidChain() {
        // a DANE sender never falls back to the web PKI when usable records exist: it refuses the host
        DaneResult mismatch = new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("no-record-matched"));
        assertEquals(new Judgement(Level.UNTRUSTED, CertType.CA_VALID, "dane", "no-record-matched"),
                Levels.withTls(PKIX_VERIFIED, mismatch));
        DaneResult notSent = new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("dane-ta-not-sent"));
        assertEquals(new Judgement(Level.UNTRUSTED, CertType.CA_NAME_MISMATCH, "dane", "dane-ta-not-sent"),
                Levels.withTls(PKIX_TRUSTED, notSent));
    }

    @Test
    void unusableOnlyRecordsLeaveThePkixLevel() {
        DaneResult unusable = new DaneResult(DaneStatus.UNUSABLE_ONLY, null, null, DaneReason.parse("only-unusable-records"));
        assertEquals(PKIX_VERIFIED, Levels.withTls(PKIX_VERIFIED, unusable));
        assertEquals(SELF_SIGNED, Levels.withTls(SELF_SIGNED, unusable));
    }

    @Test
    void withoutDaneThePkixLevelStands() {
        assertEquals(PKIX_VERIFIED, Levels.withTls(PKIX_VERIFIED, DaneResult.none(DaneReason.Key.NO_TLSA)));
        assertEquals(PKIX_TRUSTED, Levels.withTls(PKIX_TRUSTED, DaneResult.none(DaneReason.Key.TLSA_INSECURE)));
        assertEquals(PKIX_VERIFIED, Levels.withTls(PKIX_VERIFIED, null));
        // a bogus TLSA lookup makes a DANE sender defer (the delivery verdict says so); the level is the web PKI's
        assertEquals(PKIX_VERIFIED, Levels.withTls(PKIX_VERIFIED,
                new DaneResult(DaneStatus.BOGUS, null, null, DaneReason.parse("tlsa-bogus:signature-invalid"))));
    }
}
