package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnssecStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    private static Map<String, Integer> domainsPerHost(List<Scenario> scenarios) {
        Map<String, Integer> count = new HashMap<>();
        for (Scenario s : scenarios) {
            for (Scenario.Mx m : s.mx()) {
                count.merge(m.host().name(), 1, Integer::sum);
            }
        }
        return count;
    }

    @Test
    void theSameSeedGivesTheSameLab() {
        assertEquals(Generator.generate(500, 42), Generator.generate(500, 42));
        assertNotEquals(Generator.generate(500, 42), Generator.generate(500, 43));
    }

    @Test
    void hostsAreSharedAsOnTheInternet() {
        List<Scenario> s = Generator.generate(20_000, 1);
        assertEquals(20_000, s.size());
        Map<String, Integer> perHost = domainsPerHost(s);
        assertEquals(2_000, perHost.size(), "one MX host per ten domains, every one of them used");
        List<Integer> sorted = perHost.values().stream().sorted((a, b) -> b - a).toList();
        int total = sorted.stream().mapToInt(Integer::intValue).sum();
        int topTen = sorted.subList(0, 10).stream().mapToInt(Integer::intValue).sum();
        // Zipf(1.2) over 2,000 ranks: the ten largest carry about half of all MX references ...
        assertTrue(topTen > total * 2 / 5 && topTen < total * 3 / 5, "top ten providers: " + topTen + " of " + total);
        // ... and the long tail is long: the median host serves two domains, a fifth or more serve one
        assertTrue(sorted.get(sorted.size() / 2) <= 2, "median host: " + sorted.get(sorted.size() / 2));
        long single = sorted.stream().filter(x -> x == 1).count();
        assertTrue(single > perHost.size() / 5, "single-domain hosts: " + single);
        long withTwo = s.stream().filter(x -> x.mx().size() == 2).count();
        assertTrue(withTwo > 3_000 && withTwo < 7_000, "about a quarter have a second MX host: " + withTwo);
    }

    @Test
    void declarationsAreConsistentWithTheSetup() {
        for (Scenario s : Generator.generate(2_000, 5)) {
            boolean unsignedTld = s.domain().endsWith(".lab");
            if (unsignedTld) {
                assertEquals(DnssecStatus.INSECURE, s.mxDnssec(), s.domain());
            }
            for (Scenario.Mx m : s.mx()) {
                HostSpec.Expect e = m.host().expect();
                if (!m.host().tlsa().isEmpty()) {
                    assertEquals(DaneStatus.VALID, e.dane());
                    assertEquals(DnssecStatus.SECURE, e.addressDnssec(), "DANE only in signed host zones");
                }
                if (e.certType() == CertType.DANE_ONLY) {
                    assertEquals(CertSpec.SELF_SIGNED, m.host().server().cert());
                }
            }
        }
    }

    @Test
    void generatedDomainsJoinTheCatalogueWithoutClashing() {
        var names = new java.util.HashSet<String>();
        Scenarios.catalogue().forEach(s -> assertTrue(names.add(s.domain())));
        Generator.generate(1_000, 9).forEach(s -> assertTrue(names.add(s.domain()), s.domain()));
    }

    /** The providers' mix: its shares, the addresses each kind shares, and the long tail unchanged. */
    @Test
    void providersAreShapedAsDeclared() {
        List<Scenario> s = Generator.generate(10_000, 1, 0.1, Generator.Mix.PROVIDERS);
        assertEquals(s, Generator.generate(10_000, 1, 0.1, Generator.Mix.PROVIDERS), "seedable");
        Map<String, Long> families = new java.util.TreeMap<>();
        s.forEach(x -> families.merge(x.family(), 1L, Long::sum));
        assertEquals(Map.of("generated", 4_000L, "generated-exchange", 1_500L, "generated-hoster", 1_500L,
                "generated-mailbox", 3_000L), families);
        Map<String, java.util.Set<String>> namesPerServer = new java.util.HashMap<>();
        for (Scenario x : s) {
            for (Scenario.Mx m : x.mx()) {
                namesPerServer.computeIfAbsent(x.family() + " " + m.host().serverKey(), k -> new java.util.HashSet<>())
                        .add(m.host().name());
            }
        }
        // hosted exchange: a name per customer on 24 addresses, one wildcard certificate
        List<Integer> exchange = namesPerServer.entrySet().stream().filter(e -> e.getKey().startsWith("generated-exchange"))
                .map(e -> e.getValue().size()).toList();
        assertEquals(Generator.EXCHANGE_ADDRESSES, exchange.size());
        assertEquals(1_500, exchange.stream().mapToInt(Integer::intValue).sum());
        // hosters: 200 customer names per address, each with its own certificate by SNI
        List<Integer> hosters = namesPerServer.entrySet().stream().filter(e -> e.getKey().startsWith("generated-hoster"))
                .map(e -> e.getValue().size()).sorted().toList();
        assertEquals(List.of(100, 200, 200, 200, 200, 200, 200, 200), hosters);
        s.stream().filter(x -> x.family().equals("generated-hoster")).forEach(x -> {
            assertEquals(CertSpec.SNI_PER_NAME, x.mx().get(0).host().server().cert());
            assertEquals("mail." + x.domain(), x.mx().get(0).host().name());
        });
        // mailbox providers: two names each, shared by all their customers
        assertEquals(4, namesPerServer.keySet().stream().filter(k -> k.startsWith("generated-mailbox")).count());
        // the long tail: one host per ten of its domains
        assertEquals(400, namesPerServer.keySet().stream().filter(k -> k.startsWith("generated ")).count());
        assertTrue(String.join("\n", Generator.describe(s)).contains("generated-hoster"), Generator.describe(s).toString());
    }

    /** The tail-only mix is the generator's mix before providers were modelled: the same scenarios. */
    @Test
    void theTailMixIsTheDefault() {
        assertEquals(Generator.generate(3_000, 4), Generator.generate(3_000, 4, 0.1, Generator.Mix.TAIL));
    }
    /**
     * Segments: each list of a benchmark is shared as a list of its size is. A slice of one large
     * lab is not: its hosts are partly the large lab's Zipf-shared ones.
     */
    @Test
    void eachSegmentIsSharedAsALabOfItsSize() {
        List<Scenario> s = Generator.generate(List.of(1_000, 20_000, 5_000), 3, 0.1, Generator.Mix.TAIL);
        assertEquals(26_000, s.size());
        assertEquals(26_000, s.stream().map(Scenario::domain).distinct().count(), "names run on across segments");
        assertEquals(Generator.generate(1_000, 3), s.subList(0, 1_000), "the first segment is a lab of its own");
        Map<String, Integer> middle = domainsPerHost(s.subList(1_000, 21_000));
        assertEquals(2_000, middle.size(), "a host per ten domains of the segment, every one used");
        assertEquals(500, domainsPerHost(s.subList(21_000, 26_000)).size());
        var first = domainsPerHost(s.subList(0, 1_000)).keySet();
        assertTrue(middle.keySet().stream().noneMatch(first::contains), "no long-tail host shared between segments");
        List<Integer> sorted = middle.values().stream().sorted((a, b) -> b - a).toList();
        int total = sorted.stream().mapToInt(Integer::intValue).sum();
        int topTen = sorted.subList(0, 10).stream().mapToInt(Integer::intValue).sum();
        assertTrue(topTen > total * 2 / 5 && topTen < total * 3 / 5, "top ten of the segment: " + topTen + " of " + total);
        // the providers' shapes span segments: the same mailbox names and exchange addresses
        List<Scenario> p = Generator.generate(List.of(2_000, 2_000), 3, 0.1, Generator.Mix.PROVIDERS);
        var mailboxNames = new java.util.HashSet<String>();
        p.stream().filter(x -> x.family().equals("generated-mailbox")).forEach(x -> x.mx().forEach(m -> mailboxNames.add(m.host().name())));
        assertEquals(4, mailboxNames.size());
        assertEquals(Map.of("generated", 1_600L, "generated-exchange", 600L, "generated-hoster", 600L,
                "generated-mailbox", 1_200L), p.stream().collect(java.util.stream.Collectors.groupingBy(Scenario::family,
                java.util.TreeMap::new, java.util.stream.Collectors.counting())));
    }

    /**
     * With a population, each list's hosters are as a uniform sample of that population has them:
     * names per hoster address in proportion to the list, on addresses of the list's own; all else
     * as without one.
     */
    @Test
    void aPopulationScalesTheNamesPerHosterAddressWithTheList() {
        List<Integer> lists = List.of(2_000, 20_000, 200_000);
        List<Scenario> p = Generator.generate(lists, 5, 0.1, Generator.Mix.PROVIDERS, 200_000);
        assertEquals(p, Generator.generate(lists, 5, 0.1, Generator.Mix.PROVIDERS, 200_000), "seedable");
        assertEquals(Generator.generate(lists, 5, 0.1, Generator.Mix.PROVIDERS), Generator.generate(lists, 5, 0.1,
                Generator.Mix.PROVIDERS, 0), "no population: as before");
        int from = 0;
        java.util.Set<String> earlier = new java.util.HashSet<>();
        // a sample of 1% of the population has 2 names per address, of 10% 20, of all of it 200:
        // the same 150 addresses (15% of 200,000 domains, 200 each) for every list
        Map<Integer, Integer> perAddress = Map.of(2_000, 2, 20_000, 20, 200_000, 200);
        for (int n : lists) {
            Map<String, java.util.Set<String>> names = new HashMap<>();
            p.subList(from, from + n).stream().filter(x -> x.family().equals("generated-hoster"))
                    .forEach(x -> names.computeIfAbsent(x.mx().get(0).host().serverKey(), k -> new java.util.HashSet<>())
                            .add(x.mx().get(0).host().name()));
            assertEquals(java.util.Set.of(perAddress.get(n)), names.values().stream().map(java.util.Set::size)
                    .collect(java.util.stream.Collectors.toSet()), "names per hoster address in a list of " + n);
            assertEquals(150, names.size(), "hoster addresses in a list of " + n);
            assertTrue(names.keySet().stream().noneMatch(earlier::contains), "a list's hoster addresses are its own");
            earlier.addAll(names.keySet());
            from += n;
        }
        // the other shapes as without a population
        assertEquals(Generator.generate(lists, 5, 0.1, Generator.Mix.PROVIDERS).stream()
                        .filter(x -> !x.family().equals("generated-hoster")).toList(),
                p.stream().filter(x -> !x.family().equals("generated-hoster")).toList());
        assertThrows(IllegalArgumentException.class,
                () -> Generator.generate(lists, 5, 0.1, Generator.Mix.PROVIDERS, 100_000), "a list larger than its population");
    }
}
