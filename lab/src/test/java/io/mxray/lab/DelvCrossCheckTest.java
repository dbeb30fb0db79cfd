package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnssecStatus;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab's DNSSEC, judged by a validator mxray does not contain: BIND's {@code delv}, given the
 * lab's root trust anchor, must find every scenario's MX answer, every MX host's addresses and
 * every TLSA RRset secure, insecure or bogus exactly as the scenario declares.
 */
class DelvCrossCheckTest {
    private static final List<Scenario> GENERATED = Generator.generate(1_000, 11);
    private static Lab lab;

    @BeforeAll
    static void start() throws Exception {
        Delv.require();
        List<Scenario> all = new ArrayList<>(Scenarios.catalogue());
        all.addAll(GENERATED);
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(all));
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    static DnssecStatus delv(String name, String type) {
        return Delv.status(lab, name, type);
    }

    record Check(String what, String name, String type, DnssecStatus expected) {
    }

    @Test
    void delvAgreesWithEveryDeclaredDnssecStatus() throws Exception {
        List<Check> checks = new ArrayList<>();
        List<Scenario> checked = new ArrayList<>(Scenarios.catalogue());
        checked.addAll(GENERATED.subList(0, 60)); // a sample of the generated domains and their hosts
        for (Scenario s : checked) {
            checks.add(new Check(s.name() + ": MX of " + s.domain(), s.domain(), "MX", s.mxDnssec()));
            for (Scenario.Mx mx : s.mx()) {
                HostSpec h = mx.host();
                String type = h.address() == HostSpec.Address.IPV6_LOOPBACK ? "AAAA" : "A";
                if (checks.stream().anyMatch(c -> c.name().equals(h.name()))) {
                    continue; // a shared host is checked once
                }
                checks.add(new Check(s.name() + ": addresses of " + h.name(), h.name(), type, h.expect().addressDnssec()));
                if (!h.tlsa().isEmpty()) {
                    // the TLSA RRset lives in the host's zone: bogus where declared, else as the addresses
                    DnssecStatus tlsa = h.expect().dane() == DaneStatus.BOGUS ? DnssecStatus.BOGUS
                            : h.expect().addressDnssec();
                    checks.add(new Check(s.name() + ": TLSA of " + h.name(), "_25._tcp." + h.name(), "TLSA", tlsa));
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<DnssecStatus>> results = new ArrayList<>();
            for (Check c : checks) {
                results.add(pool.submit(() -> delv(c.name(), c.type())));
            }
            List<String> disagreements = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i);
                DnssecStatus got = results.get(i).get();
                DnssecStatus known = Delv.knownDifference(c.name(), c.type());
                if (known != null) {
                    if (got != known) {
                        disagreements.add(c.what() + ": delv now says " + got.key() + ", not " + known.key() + " as recorded");
                    }
                    continue;
                }
                if (got != c.expected()) {
                    disagreements.add(c.what() + ": declared " + c.expected().key() + ", delv says " + got.key());
                }
            }
            assertEquals(List.of(), disagreements, checks.size() + " checks");
        } finally {
            pool.shutdownNow();
        }
    }
}
