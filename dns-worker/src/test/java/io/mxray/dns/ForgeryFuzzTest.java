package io.mxray.dns;

import io.mxray.lab.InProcessResolver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.dnssec.Validated;
import io.mxray.dns.dnssec.Validator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.LookupOutcome;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;

/**
 * An attacker between mxray and its resolver, against mxray's validator: every response (the
 * validator's own DS and DNSKEY questions included) may be the lab's genuine answer or a forgery
 * made from it (records dropped, moved or renamed, signatures altered, bits flipped, rcodes
 * changed, genuine answers to other questions replayed). Whatever arrives, validation finishes,
 * without an internal error, and two properties hold for every name of the catalogue:
 * <ul>
 *   <li>no forgery passes as secure: an answer called secure says what the genuine one says;</li>
 *   <li>no downgrade: a name whose genuine answer is secure is never called insecure.</li>
 * </ul>
 * Seeded: a failure names its seed and is reproducible.
 */
class ForgeryFuzzTest {
    private static final int ROUNDS = 60;
    private static Lab lab;
    private static Map<Name, java.util.List<Record>> anchors;
    private static final Map<String, Truth> truth = new LinkedHashMap<>();

    /** The genuine answer to one question, as parsed, and its status. */
    record Truth(Name name, int type, LookupOutcome outcome, Set<Record> records, DnssecStatus status) {
    }

    @BeforeAll
    static void start() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(Scenarios.catalogue()));
        try (InputStream in = Files.newInputStream(lab.trustAnchorFile())) {
            anchors = Validator.readAnchors(in);
        }
        Validator genuine = new Validator(new Forger(null, 0), anchors, Clock.systemUTC());
        List<Name[]> questions = new ArrayList<>();
        for (Scenario s : Scenarios.catalogue()) {
            Name d = Name.fromString(s.domain() + ".");
            questions.add(new Name[] {d, Name.fromConstantString(String.valueOf(Type.MX))});
            Truth mx = ask(genuine, d, Type.MX);
            for (Record r : mx.records()) {
                Name host = ((MXRecord) r).getTarget();
                ask(genuine, host, Type.A);
                ask(genuine, host, Type.AAAA);
                ask(genuine, Name.concatenate(Name.fromString("_25._tcp"), host), Type.TLSA);
            }
            ask(genuine, Name.concatenate(Name.fromString("_mta-sts"), d), Type.TXT);
        }
        assertTrue(truth.values().stream().filter(t -> t.status() == DnssecStatus.SECURE).count() > 50,
                "enough secure answers to attack: " + truth.size());
    }

    private static Truth ask(Validator v, Name name, int type) throws Exception {
        Validated r = v.resolve(name, type).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Answer a = AnswerParser.parse(name, type, r.response());
        Truth t = new Truth(name, type, a.outcome(), new HashSet<>(a.records()), r.status());
        truth.putIfAbsent(name + "/" + type, t);
        return t;
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void noForgeryPassesAsSecureAndNoSecureNameIsDowngraded() throws Exception {
        long seed = Long.getLong("mxray.fuzz.seed", 4035L);
        Map<String, Integer> seen = new TreeMap<>();
        List<String> violations = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Forger forger = new Forger(new Random(seed + round), 0.35);
            // a fresh validator per round: within a round, a forgery may poison what it keeps for the next questions
            Validator v = new Validator(forger, anchors, Clock.systemUTC());
            for (Truth t : truth.values()) {
                Validated r;
                try {
                    r = v.resolve(t.name(), t.type()).toCompletableFuture().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof WireParseException) {
                        seen.merge("unparsable", 1, Integer::sum);
                        continue; // the transport's outcome for bytes that are not DNS
                    }
                    throw new AssertionError("seed " + (seed + round) + ": " + t.name() + "/" + Type.string(t.type()), e);
                }
                Answer a = AnswerParser.parse(t.name(), t.type(), r.response());
                seen.merge(t.status() + "->" + r.status(), 1, Integer::sum);
                String where = "seed " + (seed + round) + ", " + t.name() + "/" + Type.string(t.type());
                if (r.status() == DnssecStatus.SECURE
                        && (a.outcome() != t.outcome() || !new HashSet<>(a.records()).equals(t.records()))) {
                    violations.add(where + ": forged answer called secure: " + a.outcome() + " " + a.records()
                            + ", genuine " + t.outcome() + " " + t.records());
                }
                if ("validator-error".equals(r.reason())) {
                    violations.add(where + ": the validator failed on a forgery (" + forger.last + ")");
                }
                if (t.status() == DnssecStatus.SECURE && r.status() == DnssecStatus.INSECURE) {
                    violations.add(where + ": downgraded to insecure (" + forger.last + ")");
                }
            }
        }
        System.out.println("forgery fuzz (genuine->validated): " + seen);
        assertEquals(List.of(), violations.stream().limit(20).toList(), violations.size() + " violations");
        // the forgeries must have been caught, not only passed through untouched
        assertTrue(seen.getOrDefault("SECURE->BOGUS", 0) > 100, "secure answers forged and caught: " + seen);
        assertTrue(seen.getOrDefault("SECURE->SECURE", 0) > 100, "secure answers left genuine: " + seen);
    }

    /** The lab's authority, answered in-process, with forgeries at the given rate. */
    static final class Forger extends InProcessResolver {
        private final Random random;
        private final double rate;
        private final List<Message> genuineSoFar = new ArrayList<>();
        volatile String last = "genuine";

        Forger(Random random, double rate) {
            this.random = random;
            this.rate = rate;
        }

        @Override
        public synchronized CompletionStage<Message> sendAsync(Message query) {
            Message genuine = lab.authority().answer(query);
            genuine.getHeader().setID(query.getHeader().getID());
            if (random == null || random.nextDouble() >= rate) {
                last = "genuine";
                remember(genuine);
                return CompletableFuture.completedFuture(genuine);
            }
            Message forged = forge(query, genuine);
            remember(genuine);
            try {
                return CompletableFuture.completedFuture(new Message(forged.toWire()));
            } catch (java.io.IOException | RuntimeException e) {
                return CompletableFuture.failedFuture(new WireParseException("forged: " + e.getMessage()));
            }
        }

        private void remember(Message m) {
            if (genuineSoFar.size() < 2000) {
                genuineSoFar.add(m.clone());
            }
        }

        private Message forge(Message query, Message genuine) {
            Message m = genuine.clone();
            int kind = random.nextInt(11);
            last = "forgery " + kind;
            switch (kind) {
                case 0 -> dropRecord(m);
                case 1 -> moveRecord(m);
                case 2 -> alterSignature(m);
                case 3 -> renameRecords(m, query);
                case 4 -> m.getHeader().setRcode(m.getRcode() == Rcode.NOERROR ? Rcode.NXDOMAIN : Rcode.NOERROR);
                case 5 -> m = replay(query, m);
                case 6 -> alterNsec(m);
                case 7 -> stripSignatures(m);
                case 8 -> injectForeignClass(m, query);
                case 9 -> addDecoyAlias(m, query);
                default -> {
                    byte[] wire = m.toWire();
                    int flips = 1 + random.nextInt(3);
                    for (int i = 0; i < flips && wire.length > 12; i++) {
                        wire[12 + random.nextInt(wire.length - 12)] ^= (byte) (1 << random.nextInt(8));
                    }
                    try {
                        m = new Message(wire);
                    } catch (java.io.IOException | RuntimeException e) {
                        return m; // a flip that breaks the format: send the unflipped copy
                    }
                }
            }
            return m;
        }

        private List<int[]> positions(Message m) {
            List<int[]> p = new ArrayList<>();
            for (int s : new int[] {Section.ANSWER, Section.AUTHORITY}) {
                List<Record> rs = m.getSection(s);
                for (int i = 0; i < rs.size(); i++) {
                    p.add(new int[] {s, i});
                }
            }
            return p;
        }

        private void dropRecord(Message m) {
            List<int[]> p = positions(m);
            if (!p.isEmpty()) {
                int[] at = p.get(random.nextInt(p.size()));
                m.removeRecord(m.getSection(at[0]).get(at[1]), at[0]);
            }
        }

        private void moveRecord(Message m) {
            List<int[]> p = positions(m);
            if (!p.isEmpty()) {
                int[] at = p.get(random.nextInt(p.size()));
                Record r = m.getSection(at[0]).get(at[1]);
                m.removeRecord(r, at[0]);
                m.addRecord(r, at[0] == Section.ANSWER ? Section.AUTHORITY : Section.ANSWER);
            }
        }

        private void alterSignature(Message m) {
            for (int s : new int[] {Section.ANSWER, Section.AUTHORITY}) {
                for (Record r : m.getSection(s)) {
                    if (r instanceof RRSIGRecord sig && random.nextBoolean()) {
                        m.removeRecord(r, s);
                        m.addRecord(mutate(sig), s);
                        return;
                    }
                }
            }
        }

        private RRSIGRecord mutate(RRSIGRecord sig) {
            int labels = sig.getLabels();
            Name signer = sig.getSigner();
            int footprint = sig.getFootprint();
            int alg = sig.getAlgorithm();
            Instant exp = sig.getExpire();
            Instant inc = sig.getTimeSigned();
            int covered = sig.getTypeCovered();
            byte[] bytes = sig.getSignature().clone();
            switch (random.nextInt(7)) {
                case 0 -> labels = Math.max(0, labels - 1 - random.nextInt(2)); // claim a wildcard expansion
                case 1 -> signer = signer.labels() > 1 ? new Name(signer, 1) : Name.fromConstantString("test.");
                case 2 -> footprint = (footprint + 1 + random.nextInt(100)) & 0xffff;
                case 3 -> alg = random.nextBoolean() ? 8 : 253;
                case 4 -> {
                    exp = Instant.now().minus(Duration.ofDays(1));
                    inc = exp.minus(Duration.ofDays(10));
                }
                case 5 -> covered = random.nextBoolean() ? Type.A : Type.MX;
                default -> bytes[random.nextInt(bytes.length)] ^= 0x10;
            }
            return new RRSIGRecord(sig.getName(), sig.getDClass(), sig.getTTL(), covered, alg, sig.getOrigTTL(), exp, inc,
                    footprint, signer, bytes);
        }

        /** Records (and their signatures) of another owner presented as the name asked. */
        private void renameRecords(Message m, Message query) {
            Name qname = query.getQuestion().getName();
            Message other = genuineSoFar.isEmpty() ? m : genuineSoFar.get(random.nextInt(genuineSoFar.size()));
            List<Record> answer = other.getSection(Section.ANSWER);
            if (answer.isEmpty()) {
                return;
            }
            for (Record r : new ArrayList<>(m.getSection(Section.ANSWER))) {
                m.removeRecord(r, Section.ANSWER);
            }
            for (Record r : answer) {
                m.addRecord(r.withName(qname), Section.ANSWER);
            }
            m.getHeader().setRcode(Rcode.NOERROR);
        }

        /** A genuine response to another question, with this question's header. */
        private Message replay(Message query, Message m) {
            if (genuineSoFar.isEmpty()) {
                return m;
            }
            Message other = genuineSoFar.get(random.nextInt(genuineSoFar.size())).clone();
            Message out = new Message(query.getHeader().getID());
            out.getHeader().setFlag(org.xbill.DNS.Flags.QR);
            out.getHeader().setRcode(other.getRcode());
            out.addRecord(query.getQuestion(), Section.QUESTION);
            for (int s : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
                for (Record r : other.getSection(s)) {
                    out.addRecord(r, s);
                }
            }
            return out;
        }

        private void alterNsec(Message m) {
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r instanceof NSECRecord n) {
                    m.removeRecord(r, Section.AUTHORITY);
                    int[] types = random.nextBoolean() ? new int[] {Type.NS, Type.NSEC, Type.RRSIG}
                            : new int[] {Type.A, Type.NSEC, Type.RRSIG};
                    Name next = n.getNext();
                    if (random.nextBoolean()) {
                        try {
                            next = Name.concatenate(Name.fromConstantString("zzzz"), n.getName());
                        } catch (org.xbill.DNS.NameTooLongException e) {
                            next = n.getName();
                        }
                    }
                    m.addRecord(new NSECRecord(n.getName(), DClass.IN, n.getTTL(), next, types), Section.AUTHORITY);
                    return;
                }
            }
        }

        /** Class-CH records of the type asked at the name asked, beside the genuine answer. */
        private void injectForeignClass(Message m, Message query) {
            Record q = query.getQuestion();
            byte[] rdata = switch (q.getType()) {
                case Type.A -> new byte[] {127, 0, 0, 2};
                case Type.AAAA -> new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
                case Type.MX -> new byte[] {0, 0, 4, 'e', 'v', 'i', 'l', 0};
                case Type.TLSA -> new byte[] {3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
                case Type.TXT -> new byte[] {4, 'e', 'v', 'i', 'l'};
                default -> null;
            };
            if (rdata != null) {
                m.addRecord(Record.newRecord(q.getName(), q.getType(), DClass.CH, 300, rdata), Section.ANSWER);
            }
        }

        /** A second alias at the name asked (or at the owner of a CNAME the answer has), and the decoy's data. */
        private void addDecoyAlias(Message m, Message query) {
            Record q = query.getQuestion();
            Name owner = q.getName();
            for (Record r : m.getSection(Section.ANSWER)) {
                if (r.getType() == Type.CNAME && random.nextBoolean()) {
                    owner = r.getName();
                    break;
                }
            }
            Name decoy = Name.fromConstantString("decoy.invalid.");
            m.addRecord(new org.xbill.DNS.CNAMERecord(owner, DClass.IN, 300, decoy), Section.ANSWER);
            Record data = decoyData(decoy, q.getType());
            if (data != null) {
                m.addRecord(data, Section.ANSWER);
            }
        }

        private static Record decoyData(Name decoy, int type) {
            try {
                return switch (type) {
                    case Type.A -> new org.xbill.DNS.ARecord(decoy, DClass.IN, 300,
                            java.net.InetAddress.getByName("127.0.0.2"));
                    case Type.MX -> new MXRecord(decoy, DClass.IN, 300, 0, Name.fromConstantString("evil.invalid."));
                    default -> null;
                };
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        private void stripSignatures(Message m) {
            for (int s : new int[] {Section.ANSWER, Section.AUTHORITY}) {
                for (Record r : new ArrayList<>(m.getSection(s))) {
                    if (r.getType() == Type.RRSIG) {
                        m.removeRecord(r, s);
                    }
                }
            }
        }
    }
}
