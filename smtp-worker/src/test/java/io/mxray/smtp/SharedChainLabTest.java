package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.DnsStage;
import io.mxray.dns.Resolvers;
import io.mxray.lab.ExpectedHost;
import io.mxray.lab.Generator;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenario;
import io.mxray.schema.DomainTask;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Shared-chain inference on the lab's providers: a hosted-exchange provider (a name per customer,
 * one wildcard chain on every address) is judged from two probes per address; a hoster (a
 * certificate per name, chosen by SNI) is never inferred. Every name's verdict is the one its
 * scenario declares, and the same with the inference off.
 */
class SharedChainLabTest {
    /** 200 domains, half at the exchange provider (about 4 names on each of its 24 addresses), half at one hoster. */
    private static final List<Scenario> SCENARIOS = Generator.generate(200, 9, 0, new Generator.Mix(0, 0.5, 0.5));
    private static Lab lab;
    private static Resolvers resolvers;
    private static List<ProbeRequest> requests;
    private static Map<String, ExpectedHost> declared;

    @BeforeAll
    static void start() throws Exception {
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")).withScenarios(SCENARIOS));
        DnsConfig dnsConfig = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        resolvers = Resolvers.create(dnsConfig, Clock.systemUTC());
        DnsStage dns = resolvers.stage(dnsConfig, Clock.systemUTC());
        requests = new ArrayList<>();
        declared = new HashMap<>();
        for (Scenario s : SCENARIOS) {
            requests.addAll(dns.resolve(new DomainTask("scan", s.domain(), null, 1)).toCompletableFuture().join()
                    .probes());
            s.expected().mx().forEach(h -> declared.put(h.host(), h));
        }
        assertEquals(200, requests.size(), "one probe per customer name");
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

    /** Every request at once, as a worker's batch hands them over. */
    private static Map<String, ProbeResult> probeAll(boolean shared) {
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true).withPerIpInterval(Duration.ofMillis(20))
                .withSharedChain(shared);
        Map<String, ProbeResult> out = new HashMap<>();
        try (SmtpStage stage = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()),
                Clock.systemUTC()), Clock.systemUTC())) {
            List<CompletableFuture<ProbeResult>> all = requests.stream()
                    .map(r -> stage.probe(r).toCompletableFuture()).toList();
            all.forEach(f -> {
                ProbeResult r = f.join();
                out.put(r.mxHost(), r);
            });
            assertEquals(out.values().stream().filter(r -> r.sharedChainOf() != null).count(), stage.inferredResults());
        }
        return out;
    }

    private static String verdict(ProbeResult r) {
        return String.join(" ", String.valueOf(r.outcome()), String.valueOf(r.level()), String.valueOf(r.certType()),
                String.valueOf(r.pkix()), String.valueOf(r.decidedBy()), String.valueOf(r.dane().status()),
                String.valueOf(r.tls() == null ? null : r.tls().chainDer()),
                String.valueOf(r.certificates().stream().map(c -> c.keyType() + " " + c.pkix() + " " + c.certType()).toList()));
    }

    @Test
    void theExchangeProviderIsInferredTheHosterNeverAndTheVerdictsAreTheSame() {
        Map<String, ProbeResult> on = probeAll(true);
        Map<String, ProbeResult> off = probeAll(false);
        int inferred = 0;
        for (ProbeResult r : on.values()) {
            ExpectedHost h = declared.get(r.mxHost());
            assertEquals(h.outcome(), r.outcome().key(), r.mxHost());
            assertEquals(h.level(), r.level(), r.mxHost());
            assertEquals(h.certType(), r.certType(), r.mxHost());
            assertEquals(verdict(off.get(r.mxHost())), verdict(r), r.mxHost() + ": the same verdict with the inference off");
            assertNull(off.get(r.mxHost()).sharedChainOf());
            if (r.mxHost().startsWith("mail.")) {
                assertNull(r.sharedChainOf(), r.mxHost() + ": a hoster chooses the certificate by SNI");
                continue;
            }
            if (r.sharedChainOf() != null) {
                inferred++;
                // inferred from a probe made of another name at the same address
                ProbeResult source = on.values().stream().filter(x -> x.probeKey().equals(r.sharedChainOf()))
                        .findFirst().orElseThrow();
                assertNull(source.sharedChainOf());
                assertEquals(source.ip(), r.ip());
                assertTrue(!source.mxHost().equals(r.mxHost()));
                assertEquals(source.tls().sni(), r.tls().sni(), "the SNI that was sent");
                assertEquals(0, r.timings().totalMs(), "no connection of its own");
            } else {
                assertNotNull(r.timings().connectMs(), r.mxHost() + ": a probe made");
            }
        }
        // 100 exchange names on 24 addresses: two probes each, the rest inferred
        assertEquals(100 - 2 * 24, inferred);
    }

    /**
     * The lab's contexts made up front ({@link Lab#prepareTls}, as {@code bench e2e --warm-lab}
     * does): one per address and one more per hoster name, and every name still gets the
     * certificate its scenario declares.
     */
    @Test
    void contextsMadeUpFrontServeWhatEachNameDeclares() {
        long addresses = declared.keySet().stream().map(lab::addressOf).distinct().count();
        long sniNames = declared.keySet().stream().filter(h -> h.startsWith("mail.")).count();
        assertEquals(100, sniNames);
        assertEquals(addresses + sniNames, lab.prepareTls());
        for (ProbeResult r : probeAll(false).values()) {
            ExpectedHost h = declared.get(r.mxHost());
            assertEquals(h.outcome(), r.outcome().key(), r.mxHost());
            assertEquals(h.level(), r.level(), r.mxHost());
            assertEquals(h.certType(), r.certType(), r.mxHost());
        }
    }
}
