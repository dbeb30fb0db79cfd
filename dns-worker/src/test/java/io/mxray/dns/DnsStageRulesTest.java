package io.mxray.dns;

import static io.mxray.dns.Answers.a;
import static io.mxray.dns.Answers.aaaa;
import static io.mxray.dns.Answers.cname;
import static io.mxray.dns.Answers.mx;
import static io.mxray.dns.Answers.nodata;
import static io.mxray.dns.Answers.rcode;
import static io.mxray.dns.Answers.records;
import static io.mxray.dns.Answers.timeout;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainTask;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
import io.mxray.schema.ProbeRequest;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The RFC 5321 / RFC 7505 decisions of the DNS stage, on scripted answers. */
class DnsStageRulesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC);
    private final ScriptedResolver dns = new ScriptedResolver();
    private final DnsConfig config = new DnsConfig(new InetSocketAddress("127.0.0.1", 53), Duration.ofSeconds(1), 3,
            Duration.ofMillis(1), 25, 3, 2);

    private DnsResolution resolve(String domain) {
        return new DnsStage(config, dns, CLOCK).resolve(new DomainTask("s1", domain, null, 1)).toCompletableFuture()
                .join();
    }

    @Test
    void mxHostsAreSortedByPreferenceAndEachAddressIsOneProbe() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 20, "mx2.example.org"),
                        mx("example.org", 10, "mx1.example.org")))
                .on("mx1.example.org.", Type.A, records(a("mx1.example.org", "192.0.2.1")))
                .on("mx1.example.org.", Type.AAAA, records(aaaa("mx1.example.org", "2001:db8::1")))
                .on("mx2.example.org.", Type.A, records(a("mx2.example.org", "192.0.2.2")))
                .on("mx2.example.org.", Type.AAAA, nodata());
        DnsResolution r = resolve("example.org");
        assertEquals(DnsOutcome.MX, r.result().outcome());
        assertEquals(List.of(
                new MxHost("mx1.example.org", 10, List.of("192.0.2.1", "2001:db8::1"), LookupOutcome.OK, null, List.of()),
                new MxHost("mx2.example.org", 20, List.of("192.0.2.2"), LookupOutcome.OK, null, List.of())),
                r.result().mxHosts());
        assertEquals(List.of(ProbeRequest.of("s1", "192.0.2.1", 25, "mx1.example.org"),
                ProbeRequest.of("s1", "2001:db8::1", 25, "mx1.example.org"),
                ProbeRequest.of("s1", "192.0.2.2", 25, "mx2.example.org")), r.probes());
        assertEquals(r.probes().stream().map(ProbeRequest::probeKey).toList(), r.result().probeKeys());
    }

    @Test
    void nullMxMeansNoMailAndNoProbe() { // RFC 7505
        dns.on("example.org.", Type.MX, records(mx("example.org", 0, ".")));
        DnsResolution r = resolve("example.org");
        assertEquals(DnsOutcome.NULL_MX, r.result().outcome());
        assertEquals(List.of(), r.result().mxHosts());
        assertEquals(List.of(), r.probes());
    }

    @Test
    void aNullMxAmongOtherMxRecordsIsIgnoredAndNoted() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 0, "."), mx("example.org", 10, "mx.example.org")))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.AAAA, nodata());
        DnsResult r = resolve("example.org").result();
        assertEquals(DnsOutcome.MX, r.outcome());
        assertEquals("null-mx-among-others", r.reason());
        assertEquals(1, r.mxHosts().size());
    }

    @Test
    void noMxButAnAddressIsAnImplicitMx() { // RFC 5321 section 5.1
        dns.on("example.org.", Type.MX, nodata())
                .on("example.org.", Type.A, records(a("example.org", "192.0.2.9")))
                .on("example.org.", Type.AAAA, nodata());
        DnsResolution r = resolve("example.org");
        assertEquals(DnsOutcome.IMPLICIT_MX, r.result().outcome());
        assertEquals(List.of(new MxHost("example.org", 0, List.of("192.0.2.9"), LookupOutcome.OK, null, List.of())),
                r.result().mxHosts());
        assertEquals(1, r.probes().size());
    }

    @Test
    void noMxAndNoAddressMeansNoMailHost() {
        dns.on("example.org.", Type.MX, nodata()).on("example.org.", Type.A, nodata())
                .on("example.org.", Type.AAAA, nodata());
        assertEquals(DnsOutcome.NO_MAIL_HOST, resolve("example.org").result().outcome());
    }

    @Test
    void nxdomainIsItsOwnOutcome() {
        dns.on("example.org.", Type.MX, rcode(Rcode.NXDOMAIN));
        assertEquals(DnsOutcome.NXDOMAIN, resolve("example.org").result().outcome());
    }

    @Test
    void anMxHostThatIsACnameGetsTheTargetsAddressesAndTheChainIsRecorded() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "mx.example.org")))
                .on("mx.example.org.", Type.A, records(cname("mx.example.org", "in.provider.example"),
                        a("in.provider.example", "192.0.2.5")))
                .on("mx.example.org.", Type.AAAA, records(cname("mx.example.org", "in.provider.example")));
        MxHost h = resolve("example.org").result().mxHosts().get(0);
        assertEquals("mx.example.org", h.name());
        assertEquals(List.of("192.0.2.5"), h.addresses());
        assertEquals(List.of("in.provider.example"), h.cnameChain());
    }

    @Test
    void anMxHostWithoutAddressIsKeptWithItsLookupOutcome() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "gone.example.org")))
                .on("gone.example.org.", Type.A, rcode(Rcode.NXDOMAIN))
                .on("gone.example.org.", Type.AAAA, rcode(Rcode.NXDOMAIN));
        DnsResolution r = resolve("example.org");
        assertEquals(new MxHost("gone.example.org", 10, List.of(), LookupOutcome.NXDOMAIN, null, List.of()),
                r.result().mxHosts().get(0));
        assertEquals(List.of(), r.probes());
    }

    @Test
    void timeoutsAreRetriedAndThenReportedAsTimeoutNeverAsNoMx() {
        dns.on("example.org.", Type.MX, timeout());
        DnsResult r = resolve("example.org").result();
        assertEquals(DnsOutcome.TIMEOUT, r.outcome());
        assertEquals(3, dns.queries.get(), "three attempts");
    }

    @Test
    void aServfailThatRecoversOnRetryIsNotAFailure() {
        dns.on("example.org.", Type.MX, rcode(Rcode.SERVFAIL))
                .on("example.org.", Type.MX, records(mx("example.org", 0, ".")));
        assertEquals(DnsOutcome.NULL_MX, resolve("example.org").result().outcome());
    }

    @Test
    void aPersistentServfailIsServfail() {
        dns.on("example.org.", Type.MX, rcode(Rcode.SERVFAIL));
        assertEquals(DnsOutcome.SERVFAIL, resolve("example.org").result().outcome());
    }

    @Test
    void anAddressLookupFailureIsKeptNextToTheAddressesFound() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 10, "mx.example.org")))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.AAAA, timeout());
        MxHost h = resolve("example.org").result().mxHosts().get(0);
        assertEquals(LookupOutcome.OK, h.addressOutcome());
        assertEquals("aaaa-timeout", h.reason());
    }

    @Test
    void mxHostsAndAddressesAreBounded() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 1, "a.example.org"), mx("example.org", 2, "b.example.org"),
                mx("example.org", 3, "c.example.org"), mx("example.org", 4, "d.example.org")));
        for (String h : List.of("a", "b", "c")) {
            dns.on(h + ".example.org.", Type.A, records(a(h + ".example.org", "192.0.2.1"),
                    a(h + ".example.org", "192.0.2.2"), a(h + ".example.org", "192.0.2.3")));
            dns.on(h + ".example.org.", Type.AAAA, nodata());
        }
        DnsResult r = resolve("example.org").result();
        assertEquals("mx-hosts-truncated", r.reason());
        assertEquals(3, r.mxHosts().size());
        assertEquals(List.of("192.0.2.1", "192.0.2.2"), r.mxHosts().get(0).addresses());
        assertEquals("addresses-truncated", r.mxHosts().get(0).reason());
    }

    @Test
    void theSameHostTwiceIsOneHostAtItsBestPreference() {
        dns.on("example.org.", Type.MX, records(mx("example.org", 20, "mx.example.org"), mx("example.org", 10, "MX.example.org")))
                .on("mx.example.org.", Type.A, records(a("mx.example.org", "192.0.2.1")))
                .on("mx.example.org.", Type.AAAA, nodata());
        DnsResult r = resolve("example.org").result();
        assertEquals(1, r.mxHosts().size());
        assertEquals(10, r.mxHosts().get(0).preference());
    }
}
