package io.mxray.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.lab.Delv;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.schema.DnsResult;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.DomainTask;
import io.mxray.schema.MxHost;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * mxray's own DNSSEC verdicts against an independent validator: for every lab domain (and a
 * sample of generated ones) the status mxray gives the MX answer, each MX host's addresses and
 * each TLSA RRset it looked up must be what BIND's delv says about the same name.
 */
class DelvAgreesWithMxrayTest {
    private static final List<Scenario> GENERATED = Generator.generate(600, 5);
    private static Lab lab;
    private static Resolvers resolvers;
    private static DnsStage stage;

    @BeforeAll
    static void start() throws Exception {
        Delv.require();
        List<Scenario> all = new ArrayList<>(Scenarios.catalogue());
        all.addAll(GENERATED);
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(all));
        DnsConfig config = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        resolvers = Resolvers.create(config, Clock.systemUTC());
        stage = resolvers.stage(config, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (resolvers != null) {
            resolvers.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    record Check(String what, String name, String type, DnssecStatus mxray) {
    }


    @Test
    void delvAgreesOnEveryMxAddressAndTlsaAnswer() throws Exception {
        List<Scenario> checked = new ArrayList<>(Scenarios.catalogue());
        checked.addAll(GENERATED.subList(0, 80));
        List<Check> checks = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Scenario s : checked) {
            DnsResult r = stage.resolve(new DomainTask("scan", s.domain(), null, 1)).toCompletableFuture().join().result();
            checks.add(new Check(s.domain() + " MX", s.domain(), "MX", r.mxDnssec()));
            for (MxHost h : r.mxHosts()) {
                if (!seen.add(h.name())) {
                    continue;
                }
                String type = h.addresses().stream().anyMatch(a -> a.contains(":")) ? "AAAA" : "A";
                checks.add(new Check(h.name() + " " + type, h.name(), type, h.addressDnssec()));
                if (h.tlsa() != null && h.tlsa().lookedUp()) {
                    String name = "_25._tcp." + h.tlsa().base();
                    checks.add(new Check(name + " TLSA", name, "TLSA", h.tlsa().dnssec()));
                }
            }
        }
        assertTrue(checks.stream().anyMatch(c -> c.type().equals("TLSA")), "some TLSA lookups to compare");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> disagreements = new ArrayList<>();
        try {
            List<Future<DnssecStatus>> delv = new ArrayList<>();
            for (Check c : checks) {
                delv.add(pool.submit(() -> Delv.status(lab, c.name(), c.type())));
            }
            for (int i = 0; i < checks.size(); i++) {
                DnssecStatus d = delv.get(i).get();
                DnssecStatus known = Delv.knownDifference(checks.get(i).name(), checks.get(i).type());
                if (known != null) {
                    if (d != known) {
                        disagreements.add(checks.get(i).what() + ": delv now says " + d + ", not " + known
                                + " as recorded (mxray " + checks.get(i).mxray() + ")");
                    }
                    continue;
                }
                if (d != checks.get(i).mxray()) {
                    disagreements.add(checks.get(i).what() + ": mxray " + checks.get(i).mxray() + ", delv " + d);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), disagreements, checks.size() + " answers compared");
    }
}
