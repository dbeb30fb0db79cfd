package io.mxray.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mxray.schema.CertType;
import io.mxray.schema.Coverage;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Delivery;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainResult;
import io.mxray.schema.DomainTask;
import io.mxray.schema.Json;
import io.mxray.schema.Keys;
import io.mxray.schema.HostOutcome;
import io.mxray.schema.Level;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MtaStsTxt;
import io.mxray.schema.MxHost;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanCounts;
import io.mxray.schema.ScanEvent;
import io.mxray.schema.Timings;
import io.mxray.schema.TlsRptTxt;
import io.mxray.schema.TlsSession;
import io.mxray.schema.TlsaDecision;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaRecord;
import io.mxray.schema.TxtStatus;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire format is the contract between stages that may run different versions: each message
 * type has a hand-written JSON fixture; reading it must give the expected record, and writing the
 * record must give the fixture back (same fields, same values).
 */
class GoldenJsonTest {
    private static final ObjectMapper MAPPER = Json.mapper();
    private static final String SCAN = "20261129T032500Z-7f3a";
    private static final String KEY = SCAN + "|192.0.2.25|25|mx1.example.org";
    private static final TlsaLookup TLSA = new TlsaLookup(TlsaDecision.LOOKED_UP, "mx1.example.org", LookupOutcome.OK,
            DnssecStatus.SECURE, null, List.of(TlsaRecord.of(3, 1, 1,
            "8CB0FC6C527506A053F4F14C8464BEBBD6DEDE2738D11468DD953D7D6A3021F1")));

    record Case(String fixture, Class<?> type, Object expected) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("scan-event-published.json", ScanEvent.class, ScanEvent.published(SCAN,
                        Instant.parse("2026-11-29T03:25:07Z"), "tranco-top-1k.csv", new ScanCounts(1004, 998, 2, 1, 3))),
                new Case("domain-task.json", DomainTask.class, new DomainTask(SCAN, "example.org", 17L, 18)),
                new Case("rejected-line.json", RejectedLine.class, new RejectedLine(SCAN, 7, "not a domain",
                        "invalid-character", "contains whitespace or a control character")),
                new Case("dns-result.json", DnsResult.class, new DnsResult(SCAN, "example.org", 17L, DnsOutcome.MX, null,
                        List.of(new MxHost("mx1.example.org", 10, List.of("192.0.2.25", "2001:db8::25"),
                                        LookupOutcome.OK, null, List.of(), DnssecStatus.SECURE, null, TLSA),
                                new MxHost("mx2.example.org", 20, List.of(), LookupOutcome.NXDOMAIN, null,
                                        List.of("mail.example.net"), DnssecStatus.INSECURE, null, null)),
                        List.of(KEY + "|tlsa:0877417985abb323", SCAN + "|2001:db8::25|25|mx1.example.org|tlsa:0877417985abb323"),
                        Instant.parse("2026-11-29T03:25:01.250Z"), 42, DnssecStatus.SECURE, null,
                        new MtaStsTxt(TxtStatus.VALID, "20261129T000000", null, DnssecStatus.SECURE,
                                List.of("v=STSv1; id=20261129T000000")),
                        new TlsRptTxt(TxtStatus.MALFORMED, List.of(), "rua-missing", DnssecStatus.SECURE,
                                List.of("v=TLSRPTv1;")), 7)),
                new Case("probe-request-tlsa.json", ProbeRequest.class, ProbeRequest.of(SCAN, "192.0.2.25", 25,
                        "mx1.example.org", TLSA)),
                new Case("probe-request.json", ProbeRequest.class, ProbeRequest.of(SCAN, "192.0.2.25", 25,
                        "mx1.example.org")),
                new Case("probe-result.json", ProbeResult.class, new ProbeResult(SCAN, KEY, "192.0.2.25", 25,
                        "mx1.example.org", ProbeOutcome.TLS_ESTABLISHED, "name-mismatch", Level.TRUSTED,
                        CertType.CA_NAME_MISMATCH, "pkix+name",
                        new DaneResult(DaneStatus.MISMATCH, null, null, DaneReason.parse("no-record-matched")),
                        List.of("220 mx1.example.org ESMTP"), List.of("PIPELINING", "STARTTLS", "8BITMIME"),
                        new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", "mx1.example.org",
                                List.of("MIIBdGVzdA==")),
                        new Timings(3L, 12L, 2L, 1L, 25L, 48), Instant.parse("2026-11-29T03:25:02Z"))),
                new Case("domain-result.json", DomainResult.class, new DomainResult(SCAN, "example.org", 17L,
                        DnsOutcome.MX, null, List.of(
                        new MxHostVerdict("mx1.example.org", 10, "192.0.2.25", Level.TRUSTED,
                                CertType.CA_NAME_MISMATCH, HostOutcome.TLS_ESTABLISHED, "name-mismatch", DnssecStatus.SECURE,
                                new TlsaLookup(TlsaDecision.LOOKED_UP, "mx1.example.org", LookupOutcome.NXDOMAIN,
                                        DnssecStatus.SECURE, null, List.of()), DaneResult.none(DaneReason.Key.NO_TLSA)),
                        new MxHostVerdict("mx2.example.org", 20, null, Level.UNREACHABLE, null, HostOutcome.NO_ADDRESS,
                                "nxdomain", DnssecStatus.INSECURE, null, null)),
                        Level.UNREACHABLE, Level.TRUSTED, Coverage.ALL, Instant.parse("2026-11-29T03:25:03Z"),
                        DnssecStatus.SECURE, null, new MtaStsTxt(TxtStatus.NONE, null, null, DnssecStatus.SECURE, List.of()),
                        new TlsRptTxt(TxtStatus.VALID, List.of("mailto:tlsrpt@example.org"), null, DnssecStatus.SECURE,
                                List.of("v=TLSRPTv1; rua=mailto:tlsrpt@example.org")), 6, Coverage.NONE,
                        Delivery.DELIVER, null, List.of())));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void fixtureReadsAsTheExpectedRecord(Case c) throws IOException {
        assertEquals(c.expected(), MAPPER.readValue(fixture(c.fixture()), c.type()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void recordWritesAsTheFixture(Case c) throws IOException {
        JsonNode written = MAPPER.readTree(MAPPER.writeValueAsBytes(c.expected()));
        assertEquals(MAPPER.readTree(fixture(c.fixture())), written);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void serdeRoundTripsThroughBytes(Case c) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        JsonSerde<Object> serde = new JsonSerde(c.type());
        assertEquals(c.expected(), serde.deserialize("t", serde.serialize("t", c.expected())));
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() throws IOException {
        String json = "{\"scanId\":\"s\",\"domain\":\"example.org\",\"lineNo\":1,\"addedLater\":{\"x\":1}}";
        assertEquals(new DomainTask("s", "example.org", null, 1), MAPPER.readValue(json, DomainTask.class));
    }

    @Test
    void aMessageMissingARequiredFieldIsASerializationError() {
        var serde = new JsonSerde<>(DomainTask.class);
        byte[] bad = "{\"domain\":\"example.org\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThrows(SerializationException.class, () -> serde.deserialize("mxray.domains", bad));
    }

    @Test
    void garbageIsASerializationError() {
        var serde = new JsonSerde<>(ProbeResult.class);
        assertThrows(SerializationException.class, () -> serde.deserialize("t", new byte[] {(byte) 0xff, 0, 1}));
    }

    @Test
    void theTlsaSetIsPartOfTheProbeKey() {
        // the key in the fixture is what Keys computes: a change would re-key every probe of a scan
        assertEquals(KEY + "|tlsa:0877417985abb323", Keys.probeKey(SCAN, "192.0.2.25", 25, "mx1.example.org", TLSA));
        assertEquals(KEY, Keys.probeKey(SCAN, "192.0.2.25", 25, "mx1.example.org", null));
    }

    @Test
    void tlsaRecordsAreClassifiedAsRfc7672Says() {
        String sha256 = "ab".repeat(32);
        assertEquals(true, TlsaRecord.of(3, 1, 1, sha256).usable());
        assertEquals(true, TlsaRecord.of(2, 0, 2, "ab".repeat(64)).usable());
        assertEquals(true, TlsaRecord.of(3, 1, 0, "3059").usable());
        assertEquals("usage-pkix-ta", TlsaRecord.of(0, 0, 1, sha256).unusableReason());
        assertEquals("usage-pkix-ee", TlsaRecord.of(1, 1, 1, sha256).unusableReason());
        assertEquals("usage-unknown", TlsaRecord.of(4, 1, 1, sha256).unusableReason());
        assertEquals("selector-unknown", TlsaRecord.of(3, 2, 1, sha256).unusableReason());
        assertEquals("matching-unknown", TlsaRecord.of(3, 1, 3, sha256).unusableReason());
        assertEquals("digest-length", TlsaRecord.of(3, 1, 1, "abcd").unusableReason());
    }

    @Test
    void anUnknownLevelIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Level.fromKey("fine"));
    }

    @Test
    void levelsAreOrderedFromBestToWorst() {
        assertEquals(List.of(Level.VERIFIED, Level.TRUSTED, Level.UNTRUSTED, Level.PLAINTEXT, Level.TLS_FAILED,
                Level.UNREACHABLE), List.of(Level.values()).stream()
                .sorted((a, b) -> Integer.compare(b.rank(), a.rank())).toList());
    }

    @Test
    void scanCountsMustAddUp() {
        assertThrows(IllegalArgumentException.class, () -> new ScanCounts(10, 5, 1, 1, 1));
    }

    private static InputStream fixture(String name) {
        InputStream in = GoldenJsonTest.class.getResourceAsStream("/golden/" + name);
        if (in == null) {
            throw new IllegalStateException("missing fixture " + name);
        }
        return in;
    }
}
