package io.mxray.lab;

import static io.mxray.lab.HostSpec.host;
import static io.mxray.lab.ServerSpec.noStarttls;
import static io.mxray.lab.ServerSpec.refusing;
import static io.mxray.lab.ServerSpec.starttls;

import io.mxray.lab.dns.ZoneSpec;
import io.mxray.lab.dns.ZoneSpec.Security;
import io.mxray.schema.CertType;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.Delivery;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.Level;
import io.mxray.schema.PolicyStatus;
import io.mxray.schema.StsDelivery;
import io.mxray.schema.TxtStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Generates a large lab from the scenario mix, shared as on the real Internet: one MX host per ten
 * domains on average; every host serves at least one domain, and the rest of the domains pick
 * their host by a Zipf law with exponent 1.2, so that the ten largest "providers" carry about half
 * of all MX references while the median host serves two domains and a quarter serve one (an
 * exponent of 1 would leave almost no single-domain hosts). A quarter of the domains have a
 * second MX host.
 * Every generated host and domain is declared with its expected verdict, as the catalogue is;
 * the same seed gives the same lab.
 *
 * <p>Names: domains {@code d<j>.test} (every tenth under the unsigned {@code lab} TLD), hosts
 * {@code mx<i>.h<k>.test} in zones of a hundred hosts ({@code h<k>.test}, three in four signed).
 * A third of the domain zones are signed.
 */
public final class Generator {
    /** Domains per MX host, on average. */
    public static final int DOMAINS_PER_HOST = 10;
    private static final int HOSTS_PER_ZONE = 100;
    private static final int PROVIDERS = 10;
    private static final String TLS = "tls-established";
    private static final double ZIPF_EXPONENT = 1.2;

    /** A kind of generated host, with its share of the long tail and its declared verdict. */
    enum Kind {
        VERIFIED(62), PLAINTEXT(10), SELF_SIGNED(8), WRONG_NAME(6), EXPIRED(4), DANE_EE(4), REFUSED(3), INTERMEDIATE(2),
        STARTTLS_REFUSED(1);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    private Generator() {
    }

    public static List<Scenario> generate(int domains, long seed) {
        return generate(domains, seed, 0.1);
    }

    public static List<Scenario> generate(int domains, long seed, double mtaStsShare) {
        return generate(domains, seed, mtaStsShare, Mix.TAIL);
    }

    /**
     * How the generated domains are hosted: the shares (in twentieths, rounded) served by each
     * kind of provider, the rest by the long tail of {@link Generator}'s hosts.
     *
     * @param mailbox  a mailbox provider: one pair of MX names (mx1, mx2) for all its customers,
     *                 each name on an address of its own ({@code mx1.mbox<k>.test}, two providers
     *                 taking 7 and 3 in 10 of these domains)
     * @param exchange a hosted-exchange provider: a distinct MX name per customer
     *                 ({@code <domain with dashes>.exch.test}) on 24 shared addresses, every
     *                 one presenting the same wildcard certificate {@code *.exch.test}
     * @param hoster   web hosters: the customer's own MX name ({@code mail.<domain>}, in its zone),
     *                 200 customers per address, each name with its own certificate chosen by SNI
     */
    public record Mix(double mailbox, double exchange, double hoster) {
        /** Every domain on the long tail of hosts: the mix before providers were modelled. */
        public static final Mix TAIL = new Mix(0, 0, 0);
        /**
         * A clearly labelled assumption, not a measurement: 30% of the domains at two mailbox
         * providers, 15% at a hosted-exchange provider, 15% at hosters, 40% on the long tail
         * (see docs/lab.md, "Provider shapes").
         */
        public static final Mix PROVIDERS = new Mix(0.30, 0.15, 0.15);

        public Mix {
            if (mailbox < 0 || exchange < 0 || hoster < 0 || mailbox + exchange + hoster > 1) {
                throw new IllegalArgumentException("shares between 0 and 1, summing to at most 1: " + mailbox + ", "
                        + exchange + ", " + hoster);
            }
        }

        /** The shape of each of twenty consecutive domains, interleaved so that any slice has the mix. */
        Shape[] pattern() {
            Shape[] out = new Shape[20];
            java.util.Arrays.fill(out, Shape.TAIL);
            int[] order = {0, 10, 5, 15, 2, 12, 7, 17, 1, 11, 6, 16, 3, 13, 8, 18, 4, 14, 9, 19};
            int k = 0;
            for (int n = 0; n < Math.round(mailbox * 20); n++) {
                out[order[k++]] = Shape.MAILBOX;
            }
            for (int n = 0; n < Math.round(exchange * 20); n++) {
                out[order[k++]] = Shape.EXCHANGE;
            }
            for (int n = 0; n < Math.round(hoster * 20) && k < 20; n++) {
                out[order[k++]] = Shape.HOSTER;
            }
            return out;
        }

        /** By name: {@code providers} or {@code tail}. */
        public static Mix named(String name) {
            return switch (name) {
                case "providers" -> PROVIDERS;
                case "tail" -> TAIL;
                default -> throw new IllegalArgumentException("no mix " + name + " (providers, tail)");
            };
        }
    }

    /** How a generated domain is hosted; its scenario's family. */
    public enum Shape {
        MAILBOX("generated-mailbox"), EXCHANGE("generated-exchange"), HOSTER("generated-hoster"), TAIL("generated");

        public final String family;

        Shape(String family) {
            this.family = family;
        }
    }

    /** Addresses of the hosted-exchange provider, and customers per hoster address. */
    static final int EXCHANGE_ADDRESSES = 24;
    static final int HOSTER_CUSTOMERS = 200;

    /** The tenths of the domains that publish MTA-STS, in the order a larger share adds them. */
    private static final int[] STS_SLOTS = {4, 1, 7, 2, 8, 5, 0, 3, 6, 9};

    /**
     * @param mtaStsShare the share of the domains (in tenths, rounded) that publish MTA-STS and
     *                    TLS-RPT: an enforce policy listing their MX hosts, served for every one of
     *                    them by the lab's single policy server, as a hosting provider serves its
     *                    customers' policies
     */
    public static List<Scenario> generate(int domains, long seed, double mtaStsShare, Mix mix) {
        return generate(List.of(Math.max(0, domains)), seed, mtaStsShare, mix);
    }

    /**
     * Consecutive labs in one list, each shared as {@link Generator} says within itself: a segment
     * of {@code n} domains has its own {@code n / 10} long-tail hosts, its own ten largest, and
     * every one of its hosts serves at least one of its domains (the providers' shapes are shared
     * by all segments, as a provider serves every list). A benchmark that scans lists of different
     * sizes from one lab gives each list a segment, so that each list is shared as a list of its
     * size is, whatever its place in the lab: one slice of a single large lab would take its first
     * tenth's hosts one per domain and the rest from a Zipf law over hosts the other slices share.
     * Names run on across segments ({@code d<j>} and {@code mx<i>}); a single segment is
     * {@link #generate(int, long, double, Mix)}.
     */
    public static List<Scenario> generate(List<Integer> segments, long seed, double mtaStsShare, Mix mix) {
        return generate(segments, seed, mtaStsShare, mix, 0);
    }

    /**
     * As {@link #generate(List, long, double, Mix)}, with each segment's hosters shaped as a uniform
     * sample of {@code population} domains would have them: a population whose hoster addresses
     * serve 200 customers each gives a list of {@code n} of its domains
     * {@code 200 n / population} names per hoster address (rounded, at least one), on as many
     * addresses as the population has, and a segment's hoster addresses are its own. The other
     * shapes are as without a population: the mailbox and exchange providers' addresses are the
     * same for every list already, and the long tail is shared within each list.
     *
     * @param population 0: every segment's hoster addresses serve 200
     *                   customers, whatever its size; else at least the largest segment
     */
    public static List<Scenario> generate(List<Integer> segments, long seed, double mtaStsShare, Mix mix,
            long population) {
        if (population < 0 || population > 0 && segments.stream().anyMatch(n -> n > population)) {
            throw new IllegalArgumentException("a population of " + population + " domains for lists of " + segments
                    + ": a list is a sample of it, so no larger");
        }
        if (mtaStsShare < 0 || mtaStsShare > 1) {
            throw new IllegalArgumentException("the MTA-STS share is between 0 and 1: " + mtaStsShare);
        }
        boolean[] publishing = new boolean[10];
        for (int k = 0; k < Math.round(mtaStsShare * 10); k++) {
            publishing[STS_SLOTS[k]] = true;
        }
        Random random = new Random(seed);
        Shape[] pattern = mix.pattern();
        long total = segments.stream().mapToLong(n -> {
            if (n < 0) {
                throw new IllegalArgumentException("a segment of " + n + " domains");
            }
            return n;
        }).sum();
        List<Scenario> out = new ArrayList<>(Math.toIntExact(total));
        // customers so far of the mailbox, hoster and exchange shapes; the next hoster address of a
        // segment of its own (with a population)
        int[] providers = new int[4];
        int firstHost = 0;
        for (int domains : segments) {
            int perAddress = population == 0 ? 0
                    : (int) Math.max(1, Math.round((double) HOSTER_CUSTOMERS * domains / population));
            firstHost += segment(out, domains, firstHost, seed, random, pattern, publishing, providers, perAddress);
        }
        return out;
    }

    /**
     * Appends one segment's domains to {@code out}; returns how many long-tail hosts it made.
     *
     * @param perAddress customers per hoster address on addresses of the segment's own; 0: the
     *                   hosters shared by every segment, 200 per address
     */
    private static int segment(List<Scenario> out, int domains, int firstHost, long seed, Random random,
            Shape[] pattern, boolean[] publishing, int[] providers, int perAddress) {
        if (domains < 1) {
            return 0;
        }
        int hosters = 0;
        int first = out.size();
        int tailDomains = 0;
        for (int j = first; j < first + domains; j++) {
            tailDomains += pattern[j % 20] == Shape.TAIL ? 1 : 0;
        }
        int hosts = Math.max(1, tailDomains / DOMAINS_PER_HOST);
        HostSpec[] hostSpecs = new HostSpec[hosts];
        for (int i = 0; i < hosts; i++) {
            int global = firstHost + i;
            hostSpecs[i] = generatedHost(global, i < PROVIDERS, kindOf(i, random),
                    hostZoneSigned(global / HOSTS_PER_ZONE));
        }
        double[] cumulative = zipf(hosts);
        int tail = 0;
        for (int j = first; j < first + domains; j++) {
            boolean unsignedTld = j % 10 == 9;
            String domain = "d" + j + "." + (unsignedTld ? "lab" : "test");
            boolean signed = !unsignedTld && j % 3 == 0;
            List<ZoneSpec> zones = new ArrayList<>(2);
            zones.add(ZoneSpec.of(domain, signed ? Security.ECDSA_NSEC : Security.UNSIGNED));
            List<Scenario.Mx> mx = new ArrayList<>(2);
            Shape shape = pattern[j % 20];
            switch (shape) {
                case MAILBOX -> {
                    int k = providers[0]++ % 10 < 7 ? 0 : 1;
                    String zone = "mbox" + k + ".test";
                    mx.add(new Scenario.Mx(10, providerHost("mx1." + zone)));
                    mx.add(new Scenario.Mx(20, providerHost("mx2." + zone)));
                    zones.add(ZoneSpec.of(zone, Security.ECDSA_NSEC));
                }
                case EXCHANGE -> {
                    // the customer's label, as such providers derive it: the domain with dashes for dots
                    String name = domain.replace('.', '-') + ".exch.test";
                    mx.add(new Scenario.Mx(10, host(name, starttls(CertSpec.WILDCARD), Level.VERIFIED,
                            CertType.CA_VALID, TLS).sharing("exch-" + (providers[2]++ % EXCHANGE_ADDRESSES))));
                    zones.add(ZoneSpec.of("exch.test", Security.ECDSA_NSEC));
                }
                case HOSTER -> {
                    DnssecStatus addr = signed ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
                    mx.add(new Scenario.Mx(10, host("mail." + domain, starttls(CertSpec.SNI_PER_NAME), Level.VERIFIED,
                            CertType.CA_VALID, TLS).sharing("hoster-" + (perAddress == 0
                                    ? providers[1]++ / HOSTER_CUSTOMERS : providers[3] + hosters++ / perAddress))
                            .expecting(e -> e.dnssec(addr))));
                }
                case TAIL -> {
                    int t = tail++;
                    int primary = t < hosts ? t : pick(cumulative, random);
                    mx.add(new Scenario.Mx(10, hostSpecs[primary]));
                    if (hosts > 1 && random.nextInt(4) == 0) {
                        int secondary = pick(cumulative, random);
                        if (secondary != primary) {
                            mx.add(new Scenario.Mx(20, hostSpecs[secondary]));
                        }
                    }
                    for (Scenario.Mx m : mx) {
                        zones.add(hostZone(m.host().name()));
                    }
                }
            }
            Scenario s = new Scenario("gen-" + j, shape.family, "generated domain " + j + " (seed " + seed + ")",
                    domain, zones, Scenario.Mail.MX, DnsOutcome.MX, signed ? DnssecStatus.SECURE : DnssecStatus.INSECURE,
                    mx);
            if (publishing[j % 10]) {
                List<String> names = mx.stream().map(m -> m.host().name()).toList();
                s = s.withPolicies(new Scenario.Policies(List.of("v=STSv1; id=gen" + j), TxtStatus.VALID,
                        List.of("v=TLSRPTv1; rua=mailto:tlsrpt@" + domain), TxtStatus.VALID)
                        .serving(PolicySpec.serving(PolicySpec.policy("enforce", names.toArray(String[]::new))),
                                stsExpected(mx)));
            }
            out.add(s);
        }
        if (perAddress > 0) {
            providers[3] += (hosters + perAddress - 1) / perAddress;
        }
        return hosts;
    }

    /**
     * An enforce policy listing every MX host of the domain: an MTA-STS sender delivers if one of
     * them passes the web PKI for its name (TLS 1.3 in the lab); a sender doing DANE too also
     * takes a host DANE validates.
     */
    private static StsExpected stsExpected(List<Scenario.Mx> mx) {
        boolean web = false;
        boolean either = false;
        for (Scenario.Mx m : mx) {
            HostSpec.Expect e = m.host().expect();
            boolean pkix = e.pkix() == Level.VERIFIED && e.outcome().equals(TLS);
            boolean dane = e.dane() != DaneStatus.NONE;
            web |= pkix;
            either |= dane ? e.dane() == DaneStatus.VALID : pkix;
        }
        return new StsExpected(PolicyStatus.VALID, null, web ? StsDelivery.DELIVER : StsDelivery.BOUNCE,
                web ? null : "no-valid-tls", either ? Delivery.DELIVER : Delivery.DEFER,
                mx.stream().map(m -> m.host().name()).toList());
    }

    /** A mailbox provider's MX host: the lab CA's certificate, in a signed zone. */
    private static HostSpec providerHost(String name) {
        return host(name, starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED, CertType.CA_VALID, TLS);
    }

    /**
     * What a list of scenarios holds, per family of generated domains: domains, MX host names, the
     * addresses they are served from and the most names one address serves; lines for a person.
     */
    public static List<String> describe(List<Scenario> scenarios) {
        Map<String, long[]> domains = new java.util.TreeMap<>();
        Map<String, Set<String>> names = new java.util.HashMap<>();
        Map<String, Map<String, Set<String>>> servers = new java.util.HashMap<>();
        for (Scenario sc : scenarios) {
            domains.computeIfAbsent(sc.family(), k -> new long[1])[0]++;
            for (Scenario.Mx m : sc.mx()) {
                names.computeIfAbsent(sc.family(), k -> new java.util.HashSet<>()).add(m.host().name());
                servers.computeIfAbsent(sc.family(), k -> new java.util.HashMap<>())
                        .computeIfAbsent(m.host().serverKey(), k -> new java.util.HashSet<>()).add(m.host().name());
            }
        }
        List<String> out = new ArrayList<>();
        long total = scenarios.size();
        domains.forEach((family, n) -> {
            Map<String, Set<String>> byServer = servers.getOrDefault(family, Map.of());
            int most = byServer.values().stream().mapToInt(Set::size).max().orElse(0);
            out.add(String.format(java.util.Locale.ROOT, "%-20s %,9d domains (%4.1f%%), %,8d MX names on %,7d addresses, "
                    + "at most %,d names on one", family, n[0], 100.0 * n[0] / Math.max(1, total),
                    names.getOrDefault(family, Set.of()).size(), byServer.size(), most));
        });
        return out;
    }

    private static boolean hostZoneSigned(int zone) {
        return zone % 4 != 3;
    }

    private static ZoneSpec hostZone(String hostName) {
        String zone = hostName.substring(hostName.indexOf('.') + 1);
        int k = Integer.parseInt(zone.substring(1, zone.indexOf('.')));
        return ZoneSpec.of(zone, hostZoneSigned(k) ? Security.ECDSA_NSEC : Security.UNSIGNED);
    }

    private static Kind kindOf(int i, Random random) {
        if (i < PROVIDERS) {
            return i == 1 ? Kind.DANE_EE : Kind.VERIFIED; // the big providers are well run; one of them uses DANE
        }
        int total = Arrays.stream(Kind.values()).mapToInt(k -> k.weight).sum();
        int r = random.nextInt(total);
        for (Kind k : Kind.values()) {
            r -= k.weight;
            if (r < 0) {
                return k;
            }
        }
        return Kind.VERIFIED;
    }

    private static HostSpec generatedHost(int i, boolean provider, Kind kind, boolean zoneSigned) {
        String name = "mx" + i + ".h" + (i / HOSTS_PER_ZONE) + ".test";
        DnssecStatus addr = zoneSigned ? DnssecStatus.SECURE : DnssecStatus.INSECURE;
        if (kind == Kind.DANE_EE && !zoneSigned) {
            kind = Kind.VERIFIED; // TLSA in an unsigned zone would be ignored: keep DANE hosts meaningful
        }
        HostSpec h = switch (kind) {
            case VERIFIED -> host(name, starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED, CertType.CA_VALID, TLS);
            case PLAINTEXT -> host(name, noStarttls(), Level.PLAINTEXT, null, "no-starttls");
            case SELF_SIGNED -> host(name, starttls(CertSpec.SELF_SIGNED), Level.UNTRUSTED, CertType.SELF_SIGNED, TLS);
            case WRONG_NAME -> host(name, starttls(CertSpec.WRONG_NAME), Level.TRUSTED, CertType.CA_NAME_MISMATCH, TLS);
            case EXPIRED -> host(name, starttls(CertSpec.EXPIRED), Level.UNTRUSTED, CertType.EXPIRED, TLS);
            case INTERMEDIATE -> host(name, starttls(CertSpec.INTERMEDIATE_CHAIN), Level.VERIFIED, CertType.CA_VALID, TLS);
            case STARTTLS_REFUSED -> host(name, starttls(CertSpec.LAB_CA_VALID).behaving(Behavior.STARTTLS_454),
                    Level.PLAINTEXT, null, "starttls-refused");
            case REFUSED -> host(name, refusing(), Level.UNREACHABLE, null, "connection-refused")
                    .expecting(e -> e.seconds(1));
            case DANE_EE -> provider
                    // a provider with a PKIX-valid certificate that also publishes TLSA
                    ? host(name, starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED, CertType.CA_VALID, TLS)
                            .tlsa(TlsaSpec.of(3, 1, 1, TlsaSpec.Target.LEAF)).expecting(e -> e.dane(DaneStatus.VALID))
                    : host(name, starttls(CertSpec.SELF_SIGNED), Level.VERIFIED, CertType.DANE_ONLY, TLS)
                            .tlsa(TlsaSpec.of(3, 1, 1, TlsaSpec.Target.LEAF))
                            .expecting(e -> e.dane(DaneStatus.VALID).pkix(Level.UNTRUSTED));
        };
        return h.expecting(e -> e.dnssec(addr));
    }

    /** Cumulative Zipf weights over host ranks. */
    private static double[] zipf(int n) {
        double[] c = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, ZIPF_EXPONENT);
            c[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            c[i] /= sum;
        }
        return c;
    }

    private static int pick(double[] cumulative, Random random) {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
}
