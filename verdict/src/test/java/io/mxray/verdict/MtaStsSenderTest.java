package io.mxray.verdict;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneCheck;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Delivery;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Keys;
import io.mxray.schema.Level;
import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.MtaStsTxt;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.PolicyReason;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.PolicyStatus;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.StsDelivery;
import io.mxray.schema.StsMatch;
import io.mxray.schema.StsMode;
import io.mxray.schema.StsVerdict;
import io.mxray.schema.Timings;
import io.mxray.schema.TlsSession;
import io.mxray.schema.TxtStatus;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mxray.verdict.Fixtures.SCAN;
import static io.mxray.verdict.Fixtures.T;
import static io.mxray.verdict.Fixtures.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RFC 8461 section 5 as a sender applies it, and section 2's precedence of DANE, on hand-made probes. */
class MtaStsSenderTest {
    static final String DOMAIN = "sts.example";

    /** The domain with a valid TXT record and these MX hosts ("name=ip"), waiting for its policy. */
    static DnsResult dns(String... hosts) {
        DnsResult d = Fixtures.dns(DOMAIN, hosts);
        return new DnsResult(d.scanId(), d.domain(), d.rank(), d.outcome(), d.reason(), d.mxHosts(), d.probeKeys(),
                d.resolvedAt(), d.elapsedMs(), null, null,
                new MtaStsTxt(TxtStatus.VALID, "20261202", null, DnssecStatus.INSECURE, List.of("v=STSv1; id=20261202")),
                null, 4, null, Keys.policyKey(SCAN, PolicyRequest.hostOf(DOMAIN), "20261202"));
    }

    static PolicyResult policy(StsMode mode, String... mx) {
        return new PolicyResult(SCAN, Keys.policyKey(SCAN, PolicyRequest.hostOf(DOMAIN), "20261202"), DOMAIN,
                PolicyRequest.hostOf(DOMAIN), "20261202", PolicyStatus.VALID, null,
                new MtaStsPolicy(mode, List.of(mx), 86400), "192.0.2.80", "TLSv1.3", CertType.CA_VALID, 200,
                "text/plain", "...", 100, T, 3);
    }

    static PolicyResult failed(PolicyReason why) {
        return PolicyResult.failed(SCAN, DOMAIN, "20261202", why, T);
    }

    /** A probe of the host with its web PKI judgement, TLS version and DANE result. */
    static ProbeResult probe(String ip, String host, Level pkix, String protocol, DaneResult dane) {
        Level level = dane.status() == DaneStatus.VALID ? Level.VERIFIED
                : dane.status() == DaneStatus.MISMATCH ? Level.UNTRUSTED : pkix;
        return new ProbeResult(SCAN, key(ip, host), ip, 25, host, ProbeOutcome.TLS_ESTABLISHED, null, level,
                CertType.CA_VALID, pkix, "test", dane, List.of("220 hi"), List.of("STARTTLS"),
                new TlsSession(protocol, "TLS_AES_128_GCM_SHA256", "x25519", host, List.of()),
                new Timings(1L, 1L, 1L, 1L, 1L, 5), T, null);
    }

    static ProbeResult web(String ip, String host, Level pkix) {
        return probe(ip, host, pkix, "TLSv1.3", DaneResult.none(DaneReason.Key.NO_TLSA));
    }

    static DomainResult judge(DnsResult d, PolicyResult p, ProbeResult... probes) {
        Map<String, ProbeVerdict> m = new HashMap<>();
        for (ProbeResult r : probes) {
            m.put(r.probeKey(), ProbeVerdict.of(r));
        }
        return DomainVerdicts.assemble(d, m, p, T);
    }

    static String sts(DomainResult r) {
        StsVerdict v = r.mtaStsVerdict();
        return v.delivery().key() + (v.deliveryReason() == null ? "" : " " + v.deliveryReason());
    }

    @Test
    void enforceDeliversToAMatchingHostThatValidates() {
        DomainResult r = judge(dns("mx1.sts.example=192.0.2.1"), policy(StsMode.ENFORCE, "mx1.sts.example"),
                web("192.0.2.1", "mx1.sts.example", Level.VERIFIED));
        assertEquals("deliver", sts(r));
        assertEquals(StsMode.ENFORCE, r.mtaStsVerdict().mode());
        assertEquals(List.of("mx1.sts.example"), r.mtaStsVerdict().mx());
        assertEquals(StsMatch.MATCH, r.mxHosts().get(0).mtaSts());
        assertEquals(Boolean.TRUE, r.mxHosts().get(0).mtaStsValid());
        assertEquals(Delivery.DELIVER, r.delivery());
        assertEquals(List.of(), r.missingProbes());
    }

    @Test
    void enforceWithoutAMatchingValidHostBounces() {
        DnsResult d = dns("mx1.sts.example=192.0.2.1", "mx2.sts.example=192.0.2.2");
        // the only valid host is not in the policy; the listed one has a certificate for another name
        DomainResult r = judge(d, policy(StsMode.ENFORCE, "mx1.sts.example"),
                web("192.0.2.1", "mx1.sts.example", Level.TRUSTED), web("192.0.2.2", "mx2.sts.example", Level.VERIFIED));
        assertEquals("bounce no-valid-tls", sts(r));
        assertEquals(StsMatch.NO_MATCH, r.mxHosts().get(1).mtaSts());
        assertEquals(Delivery.DEFER, r.delivery(), "a sender enforcing MTA-STS holds the mail");
        assertEquals("mta-sts-invalid-tls,mta-sts-no-match", r.deliveryReason());
        assertEquals(Delivery.DELIVER, r.daneDelivery(), "a DANE-only sender delivers opportunistically");
        assertEquals("bounce no-mx-match", sts(judge(d, policy(StsMode.ENFORCE, "mail.elsewhere.example"),
                web("192.0.2.1", "mx1.sts.example", Level.VERIFIED), web("192.0.2.2", "mx2.sts.example", Level.VERIFIED))));
    }

    @Test
    void wildcardsCoverOneLabel() {
        DnsResult d = dns("a.mx.sts.example=192.0.2.1");
        assertEquals("deliver", sts(judge(d, policy(StsMode.ENFORCE, "*.mx.sts.example"),
                web("192.0.2.1", "a.mx.sts.example", Level.VERIFIED))));
        assertEquals("bounce no-mx-match", sts(judge(d, policy(StsMode.ENFORCE, "*.sts.example"),
                web("192.0.2.1", "a.mx.sts.example", Level.VERIFIED))));
    }

    @Test
    void tlsOlderThan12DoesNotSatisfyASender() {
        DomainResult r = judge(dns("mx1.sts.example=192.0.2.1"), policy(StsMode.ENFORCE, "mx1.sts.example"),
                probe("192.0.2.1", "mx1.sts.example", Level.VERIFIED, "TLSv1.1", DaneResult.none(DaneReason.Key.NO_TLSA)));
        assertEquals("bounce no-valid-tls", sts(r));
        assertEquals(Boolean.FALSE, r.mxHosts().get(0).mtaStsValid());
    }

    @Test
    void testingDeliversAndSaysItWouldFail() {
        DomainResult r = judge(dns("mx1.sts.example=192.0.2.1"), policy(StsMode.TESTING, "mx1.sts.example"),
                web("192.0.2.1", "mx1.sts.example", Level.UNTRUSTED));
        assertEquals("testing-would-fail no-valid-tls", sts(r));
        assertEquals(Delivery.DELIVER, r.delivery(), "testing enforces nothing");
    }

    @Test
    void noPolicyInForceMeansNotApplicable() {
        DnsResult d = dns("mx1.sts.example=192.0.2.1");
        ProbeResult bad = web("192.0.2.1", "mx1.sts.example", Level.UNTRUSTED);
        DomainResult none = judge(d, policy(StsMode.NONE), bad);
        assertEquals("not-applicable mode-none", sts(none));
        assertNull(none.mxHosts().get(0).mtaSts(), "no policy in force: hosts are not marked");
        DomainResult notFetched = judge(d, failed(PolicyReason.httpStatus(404)), bad);
        assertEquals("not-applicable policy-http-404", sts(notFetched));
        assertEquals(PolicyStatus.FAILED, notFetched.mtaStsVerdict().status());
        assertEquals(Delivery.DELIVER, notFetched.delivery(), "a first-time sender delivers as without MTA-STS");
        DnsResult noTxt = Fixtures.dns(DOMAIN, "mx1.sts.example=192.0.2.1");
        assertEquals("not-applicable txt-none", sts(judge(noTxt, null, bad)));
        DomainResult missing = DomainVerdicts.incomplete(d, Map.of(bad.probeKey(), ProbeVerdict.of(bad)), null, T);
        assertEquals("not-applicable policy-missing", sts(missing));
        assertEquals(List.of(d.policyKey()), missing.missingProbes(), "the policy that never came is named");
    }

    @Test
    void aSenderDoingBothUsesDaneWhereTlsaRecordsExist() {
        // mx1 has DANE and is missing from the policy; mx2 is in the policy but its certificate fails
        DnsResult d = dns("mx1.sts.example=192.0.2.1", "mx2.sts.example=192.0.2.2");
        DaneResult valid = new DaneResult(DaneStatus.VALID, DaneCheck.DANE_EE, "3 1 1 ab", null);
        DomainResult r = judge(d, policy(StsMode.ENFORCE, "mx2.sts.example"),
                probe("192.0.2.1", "mx1.sts.example", Level.UNTRUSTED, "TLSv1.3", valid),
                web("192.0.2.2", "mx2.sts.example", Level.UNTRUSTED));
        assertEquals("bounce no-valid-tls", sts(r), "MTA-STS alone: no listed host validates");
        assertEquals(Delivery.DELIVER, r.delivery(), "DANE and MTA-STS: mx1 is judged by DANE, which it passes");
        // and the other way round: the host the policy lists fails DANE
        DaneResult mismatch = DaneResult.of(DaneStatus.MISMATCH, DaneReason.Key.NO_RECORD_MATCHED);
        DomainResult both = judge(dns("mx1.sts.example=192.0.2.1"), policy(StsMode.ENFORCE, "mx1.sts.example"),
                probe("192.0.2.1", "mx1.sts.example", Level.VERIFIED, "TLSv1.3", mismatch));
        assertEquals("deliver", sts(both));
        assertEquals(Delivery.DEFER, both.delivery());
        assertEquals("dane-mismatch", both.deliveryReason());
    }
}
