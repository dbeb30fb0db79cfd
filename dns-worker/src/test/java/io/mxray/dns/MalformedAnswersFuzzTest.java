package io.mxray.dns;

import static io.mxray.dns.Answers.a;
import static io.mxray.dns.Answers.aaaa;
import static io.mxray.dns.Answers.cname;
import static io.mxray.dns.Answers.mx;
import static io.mxray.dns.Answers.reply;
import static io.mxray.dns.Answers.tlsa;
import static io.mxray.dns.Answers.txt;
import static io.mxray.dns.ScriptedResolver.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.InProcessResolver;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DomainTask;
import io.mxray.schema.MxHost;
import io.mxray.schema.ProbeRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * Random and mutated DNS answers through the parsing and decision code: whatever comes back, the
 * stage answers every domain with exactly one result whose fields are well formed, and never
 * throws. Seeded: a failure names its seed and is reproducible.
 */
class MalformedAnswersFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T00:00:00Z"), ZoneOffset.UTC);
    private static final int ROUNDS = 3000;

    /** Answers every query with a mutation of a plausible answer, or with bytes that are not DNS. */
    static final class HostileResolver extends InProcessResolver {
        private final Random random;

        HostileResolver(long seed) {
            this.random = new Random(seed);
        }

        @Override
        public synchronized CompletionStage<Message> sendAsync(Message query) {
            byte[] wire = mutate(plausible(query).toWire());
            try {
                Message m = new Message(wire); // what the transport does with what arrives
                return CompletableFuture.completedFuture(m);
            } catch (java.io.IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(new WireParseException("fuzz: " + e.getMessage()));
            }
        }

        private Message plausible(Message query) {
            Record q = query.getQuestion();
            Name n = q.getName();
            String s = n.toString(true);
            int rcode = random.nextInt(10) == 0 ? random.nextInt(24) : Rcode.NOERROR;
            List<Record> rs = new ArrayList<>();
            int count = random.nextInt(5) == 0 ? 70 + random.nextInt(20) : random.nextInt(4);
            for (int i = 0; i < count; i++) {
                switch (random.nextInt(9)) {
                    case 0 -> rs.add(mx(s, random.nextInt(70000) & 0xffff, random.nextBoolean() ? "." : "h" + random.nextInt(5) + ".example.org"));
                    case 1 -> rs.add(a(random.nextBoolean() ? s : "elsewhere.example", "192.0.2." + random.nextInt(256)));
                    case 2 -> rs.add(aaaa(s, "2001:db8::" + Integer.toHexString(random.nextInt(65536))));
                    case 3 -> rs.add(cname(s, random.nextBoolean() ? s : "c" + random.nextInt(3) + ".example.org"));
                    case 4 -> rs.add(txt(s, random.nextBoolean() ? "v=STSv1; id=" + random.nextInt() : randomText()));
                    case 5 -> rs.add(txt(s, random.nextBoolean() ? "v=TLSRPTv1; rua=" + randomText() : "v=TLSRPTv1"));
                    case 6 -> rs.add(tlsa(s, random.nextInt(256), random.nextInt(256), random.nextInt(256),
                            java.util.HexFormat.of().formatHex(bytes(random.nextInt(70)))));
                    case 7 -> rs.add(Record.newRecord(n, q.getType(), DClass.IN, 300, bytes(random.nextInt(40))));
                    default -> rs.add(Record.newRecord(n, Type.NS, DClass.IN));
                }
            }
            Message m = reply(query, rcode, rs.toArray(Record[]::new));
            if (random.nextInt(4) == 0) {
                m.getHeader().setFlag(Flags.AD);
            }
            if (random.nextInt(8) == 0) {
                m.addRecord(new org.xbill.DNS.OPTRecord(1232, 0, 0, 0, List.of(
                        new org.xbill.DNS.ExtendedErrorCodeOption(random.nextInt(30), randomText()))),
                        org.xbill.DNS.Section.ADDITIONAL);
            }
            return m;
        }

        private byte[] mutate(byte[] wire) {
            int kind = random.nextInt(6);
            byte[] out = wire.clone();
            switch (kind) {
                case 0 -> {
                    return out; // intact
                }
                case 1 -> { // flip some bits past the header (keep the ID so it reaches the lookup)
                    for (int i = 0; i < 1 + random.nextInt(6); i++) {
                        int at = 2 + random.nextInt(Math.max(1, out.length - 2));
                        if (at < out.length) {
                            out[at] ^= (byte) (1 << random.nextInt(8));
                        }
                    }
                    return out;
                }
                case 2 -> {
                    return java.util.Arrays.copyOf(out, random.nextInt(out.length + 1)); // truncated
                }
                case 3 -> { // garbage appended
                    byte[] tail = bytes(random.nextInt(64));
                    byte[] longer = java.util.Arrays.copyOf(out, out.length + tail.length);
                    System.arraycopy(tail, 0, longer, out.length, tail.length);
                    return longer;
                }
                case 4 -> {
                    return bytes(random.nextInt(600)); // not DNS at all
                }
                default -> { // a compression pointer pointing anywhere
                    if (out.length > 14) {
                        int at = 12 + random.nextInt(out.length - 13);
                        out[at] = (byte) 0xc0;
                        out[at + 1] = (byte) random.nextInt(256);
                    }
                    return out;
                }
            }
        }

        private byte[] bytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }

        private String randomText() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < random.nextInt(40); i++) {
                sb.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(256)));
            }
            return sb.toString();
        }
    }

    @Test
    void everyDomainGetsOneWellFormedResultWhateverTheAnswers() throws Exception {
        long seed = Long.getLong("mxray.fuzz.seed", 20261129L);
        HostileResolver hostile = new HostileResolver(seed);
        DnsConfig config = DnsConfig.defaults(new InetSocketAddress("127.0.0.1", 53))
                .withTimeout(Duration.ofMillis(200), 2, Duration.ofMillis(1));
        DnsStage stage = new DnsStage(config, hostile, hostile, CLOCK);
        java.util.Map<String, Integer> reached = new java.util.TreeMap<>();
        for (int i = 0; i < ROUNDS; i++) {
            String domain = "d" + i + ".example.org";
            DnsResolution r;
            try {
                r = stage.resolve(new DomainTask("fuzz-" + (i / 500), domain, null, i)).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("seed " + seed + ", round " + i + ": resolve failed", e);
            }
            check(r, domain, "seed " + seed + ", round " + i);
            reached.merge("outcome " + r.result().outcome().key(), 1, Integer::sum);
            if (!r.probes().isEmpty()) {
                reached.merge("probes", 1, Integer::sum);
            }
            if (r.result().mxHosts().stream().anyMatch(h -> h.tlsa() != null && h.tlsa().lookedUp())) {
                reached.merge("tlsa looked up", 1, Integer::sum);
            }
            if (r.result().mtaSts() != null) {
                reached.merge("mta-sts " + r.result().mtaSts().status().key(), 1, Integer::sum);
            }
        }
        // the hostile answers must reach the deep decisions, not only fail early
        System.out.println("fuzz reached: " + reached);
        for (String must : List.of("outcome mx", "outcome implicit-mx", "outcome nxdomain", "outcome error", "probes",
                "tlsa looked up", "mta-sts valid", "mta-sts malformed", "mta-sts none")) {
            assertTrue(reached.getOrDefault(must, 0) > 0, "never reached: " + must + " in " + reached);
        }
    }

    private static void check(DnsResolution r, String domain, String where) throws Exception {
        DnsResult d = r.result();
        assertEquals(domain, d.domain(), where);
        assertNotNull(d.outcome(), where);
        assertTrue(d.mxHosts().size() <= 16, where);
        assertEquals(r.probes().stream().map(ProbeRequest::probeKey).toList(), d.probeKeys(), where);
        for (MxHost h : d.mxHosts()) {
            assertNotNull(h.addressOutcome(), where);
            assertTrue(h.addresses().size() <= 8, where);
            for (String ip : h.addresses()) {
                InetAddress.getByName(ip); // a literal, never a name to look up
                assertTrue(ip.matches("[0-9a-f.:]+"), where + ": " + ip);
            }
        }
        // and the result survives the wire format
        var serde = io.mxray.runtime.Topics.DNS_RESULTS.valueSerde();
        assertEquals(d, serde.deserializer().deserialize("t", serde.serializer().serialize("t", d)), where);
    }

    @Test
    void theAnswerParserNeverThrowsOnRandomMessages() {
        Random random = new Random(7);
        int parsed = 0;
        for (int i = 0; i < 20000; i++) {
            byte[] b = new byte[random.nextInt(512)];
            random.nextBytes(b);
            Message m;
            try {
                m = new Message(b);
            } catch (java.io.IOException | RuntimeException e) {
                continue;
            }
            parsed++;
            for (int type : new int[] {Type.MX, Type.A, Type.AAAA, Type.TXT, Type.TLSA}) {
                Answer a = AnswerParser.parse(name("q.example"), type, m);
                assertNotNull(a.outcome());
            }
        }
        assertTrue(parsed > 0, "some random byte strings parse as messages");
    }
}
