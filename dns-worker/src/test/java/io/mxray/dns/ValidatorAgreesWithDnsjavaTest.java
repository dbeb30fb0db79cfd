package io.mxray.dns;

import io.mxray.lab.LabResolver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.dnssec.Validated;
import io.mxray.dns.dnssec.Validator;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DnssecStatus;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * mxray's validator against dnsjava's ValidatingResolver (an implementation of the same RFCs
 * derived from Unbound's), on every question a scan asks about the lab's catalogue and a sample
 * of generated domains: MX, the hosts' A and AAAA, TLSA, and the MTA-STS and TLS-RPT TXT records.
 * Both are given the same answers and the same trust anchor; their statuses must agree.
 */
class ValidatorAgreesWithDnsjavaTest {
    private static Lab lab;

    @BeforeAll
    static void start() throws Exception {
        List<Scenario> all = new ArrayList<>(Scenarios.catalogue());
        all.addAll(Generator.generate(300, 11));
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(all));
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void bothValidatorsGiveEveryAnswerTheSameStatus() throws Exception {
        Map<Name, List<Record>> anchors;
        try (InputStream in = Files.newInputStream(lab.trustAnchorFile())) {
            anchors = Validator.readAnchors(in);
        }
        Validator mxray = new Validator(new LabResolver(lab.authority()), anchors, Clock.systemUTC());
        ValidatingResolver v = new ValidatingResolver(new LabResolver(lab.authority()), Clock.systemUTC());
        try (InputStream in = Files.newInputStream(lab.trustAnchorFile())) {
            v.loadTrustAnchors(in);
        }
        AdBitResolver dnsjava = new AdBitResolver(v, new LabResolver(lab.authority()));

        Set<String> questions = new LinkedHashSet<>();
        List<Scenario> domains = new ArrayList<>(Scenarios.catalogue());
        domains.addAll(Generator.generate(300, 11));
        for (Scenario s : domains) {
            Name d = Name.fromString(s.domain() + ".");
            questions.add(d + " MX");
            questions.add("_mta-sts." + d + " TXT");
            questions.add("_smtp._tls." + d + " TXT");
            Validated mx = mxray.resolve(d, Type.MX).toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (Record r : AnswerParser.parse(d, Type.MX, mx.response()).records()) {
                Name host = ((MXRecord) r).getTarget();
                if (!host.equals(Name.root)) {
                    questions.add(host + " A");
                    questions.add(host + " AAAA");
                    questions.add("_25._tcp." + host + " TLSA");
                }
            }
        }
        Map<String, Integer> tally = new TreeMap<>();
        List<String> disagreements = new ArrayList<>();
        for (String q : questions) {
            String[] p = q.split(" ");
            Name name = Name.fromString(p[0]);
            int type = Type.value(p[1]);
            Validated a = mxray.resolve(name, type).toCompletableFuture().get(10, TimeUnit.SECONDS);
            Validated b = dnsjava.resolve(name, type).toCompletableFuture().get(10, TimeUnit.SECONDS);
            tally.merge(a.status().toString(), 1, Integer::sum);
            if (a.status() != b.status()) {
                disagreements.add(q + ": mxray " + a.status() + " (" + a.reason() + "), dnsjava " + b.status()
                        + " (" + b.reason() + ")");
            }
        }
        System.out.println("validators compared on " + questions.size() + " questions: " + tally);
        assertTrue(tally.getOrDefault(DnssecStatus.SECURE.toString(), 0) > 100, tally.toString());
        assertTrue(tally.getOrDefault(DnssecStatus.BOGUS.toString(), 0) >= 3, tally.toString());
        assertEquals(List.of(), disagreements, questions.size() + " questions compared");
    }
}
