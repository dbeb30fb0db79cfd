package io.mxray.verdict;

import static io.mxray.verdict.Fixtures.T;
import static io.mxray.verdict.Fixtures.dns;
import static io.mxray.verdict.Fixtures.probe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mxray.schema.CertType;
import io.mxray.schema.Coverage;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Delivery;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainResult;
import io.mxray.schema.HostOutcome;
import io.mxray.schema.Level;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.DomainVerdicts;
import io.mxray.verdict.ProbeVerdict;
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
        assertEquals(Coverage.SOME, r.starttls());
        assertEquals(List.of(
                new MxHostVerdict("mx1.two.example", 10, "192.0.2.1", Level.VERIFIED, CertType.CA_VALID, HostOutcome.TLS_ESTABLISHED, null,
                        null, null, DaneResult.none(DaneReason.Key.NO_TLSA_LOOKUP)),
                new MxHostVerdict("mx2.two.example", 20, "192.0.2.2", Level.PLAINTEXT, null, HostOutcome.NO_STARTTLS, null,
                        null, null, DaneResult.none(DaneReason.Key.NO_TLSA_LOOKUP))),
                r.mxHosts());
    }

    @Test
    void aHostWithoutAddressIsUnreachableAndDoesNotCountForStarttls() {
        var d = dns("x.example", "mx1.x.example=192.0.2.1", "gone.x.example=");
        DomainResult r = DomainVerdicts.assemble(d, verdicts(probe("192.0.2.1", "mx1.x.example", Level.UNTRUSTED,
                CertType.SELF_SIGNED)), T);
        assertEquals(Level.UNREACHABLE, r.worstLevel());
        assertEquals(Level.UNTRUSTED, r.bestLevel());
        assertEquals(Coverage.ALL, r.starttls());
        assertEquals(new MxHostVerdict("gone.x.example", 20, null, Level.UNREACHABLE, null, HostOutcome.NO_ADDRESS, "nxdomain",
                        null, null, DaneResult.none(DaneReason.Key.NO_ADDRESS)),
                r.mxHosts().get(1));
    }

    @Test
    void aDomainWithoutMailHostsHasNoLevel() {
        DomainResult r = DomainVerdicts.assemble(dns("null.example"), Map.of(), T);
        assertEquals(null, r.worstLevel());
        assertEquals(null, r.bestLevel());
        assertEquals(Coverage.NOT_APPLICABLE, r.starttls());
    }

    @Test
    void allUnreachableIsNotApplicableForStarttls() {
        var d = dns("x.example", "mx.x.example=192.0.2.1");
        DomainResult r = DomainVerdicts.assemble(d, verdicts(probe("192.0.2.1", "mx.x.example", Level.UNREACHABLE, null)), T);
        assertEquals(Coverage.NOT_APPLICABLE, r.starttls());
        assertEquals(Level.UNREACHABLE, r.worstLevel());
    }

    @Test
    void noHostWithTlsIsNone() {
        var d = dns("x.example", "mx.x.example=192.0.2.1");
        assertEquals(Coverage.NONE, DomainVerdicts.assemble(d,
                verdicts(probe("192.0.2.1", "mx.x.example", Level.PLAINTEXT, null)), T).starttls());
    }

    @Test
    void aMissingVerdictIsABug() {
        var d = dns("x.example", "mx.x.example=192.0.2.1");
        assertThrows(IllegalArgumentException.class, () -> DomainVerdicts.assemble(d, Map.of(), T));
    }

    /** A probed MX host address with the given level and DANE status. */
    private static MxHostVerdict host(String ip, Level level, DaneStatus dane) {
        return new MxHostVerdict("mx." + ip, 10, ip, level, null, HostOutcome.TLS_ESTABLISHED, null, null, null,
                new DaneResult(dane, null, null, null));
    }

    private static DomainVerdicts.DaneDelivery delivery(io.mxray.schema.DnsResult d, MxHostVerdict... hosts) {
        return DomainVerdicts.daneDelivery(d, List.of(hosts));
    }

    private static io.mxray.schema.DnsResult withMxDnssec(io.mxray.schema.DnsResult d, DnssecStatus s) {
        return new io.mxray.schema.DnsResult(d.scanId(), d.domain(), d.rank(), d.outcome(), d.reason(), d.mxHosts(),
                d.probeKeys(), d.resolvedAt(), d.elapsedMs(), s, null, null, null, d.lookups());
    }

    @Test
    void aDaneSenderDeliversWhenOneHostWouldTakeTheMail() {
        var d = dns("x.example", "a=192.0.2.1");
        assertEquals(new DomainVerdicts.DaneDelivery(Delivery.DELIVER, null),
                delivery(d, host("192.0.2.1", Level.VERIFIED, DaneStatus.VALID)));
        // without DANE, opportunistic: plaintext and failed TLS are still delivered to
        assertEquals(Delivery.DELIVER, delivery(d, host("192.0.2.1", Level.PLAINTEXT, DaneStatus.NONE)).delivery());
        assertEquals(Delivery.DELIVER, delivery(d, host("192.0.2.1", Level.TLS_FAILED, DaneStatus.NONE)).delivery());
        // a mismatch on one host, a valid one on another (RFC 7672 2.2: the next MX is tried)
        assertEquals(Delivery.DELIVER, delivery(d, host("192.0.2.1", Level.VERIFIED, DaneStatus.MISMATCH),
                host("192.0.2.2", Level.VERIFIED, DaneStatus.VALID)).delivery());
        // unusable-only records: TLS is required, not authentication
        assertEquals(Delivery.DELIVER, delivery(d, host("192.0.2.1", Level.UNTRUSTED, DaneStatus.UNUSABLE_ONLY))
                .delivery());
    }

    @Test
    void aDaneSenderDefersWithTheReasons() {
        var d = dns("x.example", "a=192.0.2.1");
        assertEquals(new DomainVerdicts.DaneDelivery(Delivery.DEFER, "dane-mismatch,tlsa-bogus"),
                delivery(d, host("192.0.2.1", Level.VERIFIED, DaneStatus.MISMATCH),
                        host("192.0.2.2", Level.VERIFIED, DaneStatus.BOGUS)));
        assertEquals(new DomainVerdicts.DaneDelivery(Delivery.DEFER, "dane-no-tls"),
                delivery(d, host("192.0.2.1", Level.PLAINTEXT, DaneStatus.UNUSABLE_ONLY)));
        assertEquals(new DomainVerdicts.DaneDelivery(Delivery.DEFER, "unreachable"),
                delivery(d, host("192.0.2.1", Level.UNREACHABLE, DaneStatus.NONE)));
        assertEquals(new DomainVerdicts.DaneDelivery(Delivery.DEFER, "mx-bogus"),
                delivery(withMxDnssec(d, DnssecStatus.BOGUS), host("192.0.2.1", Level.VERIFIED, DaneStatus.VALID)));
        assertEquals(new DomainVerdicts.DaneDelivery(Delivery.DEFER, "mx-indeterminate"),
                delivery(withMxDnssec(d, DnssecStatus.INDETERMINATE), host("192.0.2.1", Level.VERIFIED,
                        DaneStatus.NONE)));
    }

    /** The DNS result of a domain whose one MX host has the given address status (and a TLSA record published). */
    private static io.mxray.schema.DnsResult withAddressStatus(DnssecStatus status, String... addresses) {
        io.mxray.schema.TlsaDecision decision = io.mxray.schema.TlsaDecision.skipped(status);
        var host = new io.mxray.schema.MxHost("mx.x.example", 10, List.of(addresses),
                addresses.length == 0 ? io.mxray.schema.LookupOutcome.SERVFAIL : io.mxray.schema.LookupOutcome.OK,
                null, List.of(), status, "dnssec-bogus", io.mxray.schema.TlsaLookup.skipped(decision));
        List<String> keys = java.util.Arrays.stream(addresses).map(ip -> Fixtures.key(ip, "mx.x.example")).toList();
        return new io.mxray.schema.DnsResult(Fixtures.SCAN, "x.example", null, io.mxray.schema.DnsOutcome.MX, null,
                List.of(host), keys, T, 1, DnssecStatus.SECURE, null, null, null, 4);
    }

    /**
     * RFC 7672 section 2.2: bogus or unvalidated address records mean the TLSA RRset cannot be
     * trusted; a DANE sender skips the host and, with none left, defers. The level stays the
     * certificate's (the server was reached); DANE says bogus, and the domain is not "deliver".
     */
    @Test
    void bogusOrIndeterminateAddressesMakeADaneSenderDefer() {
        var d = withAddressStatus(DnssecStatus.BOGUS, "192.0.2.1");
        DomainResult r = DomainVerdicts.assemble(d, verdicts(probe("192.0.2.1", "mx.x.example", Level.VERIFIED,
                CertType.CA_VALID)), T);
        assertEquals(Level.VERIFIED, r.mxHosts().get(0).level());
        assertEquals(new DaneResult(DaneStatus.BOGUS, null, null, DaneReason.parse("address-bogus")), r.mxHosts().get(0).dane());
        assertEquals(Delivery.DEFER, r.daneDelivery());
        assertEquals("address-bogus", r.daneDeliveryReason());

        var gone = withAddressStatus(DnssecStatus.INDETERMINATE);
        DomainResult g = DomainVerdicts.assemble(gone, Map.of(), T);
        assertEquals(DaneStatus.BOGUS, g.mxHosts().get(0).dane().status());
        assertEquals(Delivery.DEFER, g.daneDelivery());
        assertEquals("address-indeterminate", g.daneDeliveryReason());
    }

    @Test
    void aDomainThatTakesNoMailBouncesAndAnUnprobedOneHasNoVerdict() {
        assertEquals(new DomainVerdicts.DaneDelivery(Delivery.BOUNCE, "null-mx"), delivery(dns("null.example")));
        MxHostVerdict skipped = new MxHostVerdict("mx.a", 10, "192.0.2.1", null, null, HostOutcome.SKIPPED, "opt-out-network",
                null, null, null);
        assertEquals(null, delivery(dns("x.example", "a=192.0.2.1"), skipped));
    }

    @Test
    void aDomainIsDaneProtectedOnlyWhenEveryProbedAddressIs() {
        assertEquals(Coverage.ALL, DomainVerdicts.daneCoverage(List.of(host("192.0.2.1", Level.VERIFIED,
                DaneStatus.VALID), host("192.0.2.2", Level.VERIFIED, DaneStatus.VALID))));
        assertEquals(Coverage.SOME, DomainVerdicts.daneCoverage(List.of(host("192.0.2.1", Level.VERIFIED,
                DaneStatus.VALID), host("192.0.2.2", Level.VERIFIED, DaneStatus.NONE))));
        assertEquals(Coverage.NONE, DomainVerdicts.daneCoverage(List.of(host("192.0.2.1", Level.VERIFIED,
                DaneStatus.MISMATCH))));
        assertEquals(Coverage.NOT_APPLICABLE, DomainVerdicts.daneCoverage(List.of()));
    }
}
