package io.mxray.aggregator;

import static io.mxray.aggregator.Fixtures.T;
import static io.mxray.aggregator.Fixtures.dns;
import static io.mxray.aggregator.Fixtures.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.Level;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.StarttlsCoverage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DomainVerdictsTest {
    private static Map<String, ProbeVerdict> verdicts(ProbeResult... rs) {
        Map<String, ProbeVerdict> m = new HashMap<>();
        for (ProbeResult r : rs) {
            m.put(r.probeKey(), ProbeVerdict.of(r));
        }
        return m;
    }

    @Test
    void worstAndBestOverAllAddressesAndPartialStarttls() {
        var d = dns("two.example", "mx1.two.example=192.0.2.1", "mx2.two.example=192.0.2.2");
        DomainResult r = DomainVerdicts.assemble(d, verdicts(
                probe("192.0.2.1", "mx1.two.example", Level.VERIFIED, CertType.CA_VALID),
                probe("192.0.2.2", "mx2.two.example", Level.PLAINTEXT, null)), T);
        assertEquals(Level.PLAINTEXT, r.worstLevel());
        assertEquals(Level.VERIFIED, r.bestLevel());
        assertEquals(StarttlsCoverage.SOME, r.starttls());
        assertEquals(List.of(
                new MxHostVerdict("mx1.two.example", 10, "192.0.2.1", Level.VERIFIED, CertType.CA_VALID, "tls-established", null,
                        null, null, DaneResult.none("no-tlsa-lookup")),
                new MxHostVerdict("mx2.two.example", 20, "192.0.2.2", Level.PLAINTEXT, null, "no-starttls", null,
                        null, null, DaneResult.none("no-tlsa-lookup"))),
                r.mxHosts());
    }

    @Test
    void aHostWithoutAddressIsUnreachableAndDoesNotCountForStarttls() {
        var d = dns("x.example", "mx1.x.example=192.0.2.1", "gone.x.example=");
        DomainResult r = DomainVerdicts.assemble(d, verdicts(probe("192.0.2.1", "mx1.x.example", Level.UNTRUSTED,
                CertType.SELF_SIGNED)), T);
        assertEquals(Level.UNREACHABLE, r.worstLevel());
        assertEquals(Level.UNTRUSTED, r.bestLevel());
        assertEquals(StarttlsCoverage.ALL, r.starttls());
        assertEquals(new MxHostVerdict("gone.x.example", 20, null, Level.UNREACHABLE, null, "no-address", "nxdomain",
                        null, null, DaneResult.none("no-address")),
                r.mxHosts().get(1));
    }

    @Test
    void aDomainWithoutMailHostsHasNoLevel() {
        DomainResult r = DomainVerdicts.assemble(dns("null.example"), Map.of(), T);
        assertEquals(null, r.worstLevel());
        assertEquals(null, r.bestLevel());
        assertEquals(StarttlsCoverage.NOT_APPLICABLE, r.starttls());
    }

    @Test
    void allUnreachableIsNotApplicableForStarttls() {
        var d = dns("x.example", "mx.x.example=192.0.2.1");
        DomainResult r = DomainVerdicts.assemble(d, verdicts(probe("192.0.2.1", "mx.x.example", Level.UNREACHABLE, null)), T);
        assertEquals(StarttlsCoverage.NOT_APPLICABLE, r.starttls());
        assertEquals(Level.UNREACHABLE, r.worstLevel());
    }

    @Test
    void noHostWithTlsIsNone() {
        var d = dns("x.example", "mx.x.example=192.0.2.1");
        assertEquals(StarttlsCoverage.NONE, DomainVerdicts.assemble(d,
                verdicts(probe("192.0.2.1", "mx.x.example", Level.PLAINTEXT, null)), T).starttls());
    }

    @Test
    void aMissingVerdictIsABug() {
        var d = dns("x.example", "mx.x.example=192.0.2.1");
        assertThrows(IllegalArgumentException.class, () -> DomainVerdicts.assemble(d, Map.of(), T));
    }
}
