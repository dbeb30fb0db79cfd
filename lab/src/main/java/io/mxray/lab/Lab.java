package io.mxray.lab;

import io.mxray.lab.dns.LabDnsBuilder;
import io.mxray.lab.dns.LabZone;
import io.mxray.lab.dns.TrustAnchor;
import io.mxray.lab.dns.ZoneSpec;
import io.mxray.schema.Json;
import io.mxray.schema.TlsCoverage;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * A small Internet on loopback: a DNSSEC-signed hierarchy (a root with its own trust anchor,
 * signed and unsigned TLDs, a zone per scenario) served by one DNS server, and one SMTP server per
 * MX host on its own 127.x.y.z address (or ::1), with certificates from the lab's CAs. Writes,
 * into its folder: the CA bundle ({@code ca.pem}), the trust anchor ({@code root.ds},
 * {@code root.key}, {@code trust-anchors.conf}), the domain list ({@code domains.txt}), the ground
 * truth ({@code ground-truth.jsonl}) and where to find it all ({@code lab.json}).
 */
public final class Lab implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);

    static {
        // the lab serves legacy TLS too; must happen before this JVM's first TLS context
        TlsCoverage.widen();
    }
    private static final long TTL = 300;

    private final LabConfig config;
    private final EventLoopGroup group;
    private final LabDnsServer dns;
    private final List<LabSmtpServer> smtp;
    /** The one listener of every SMTP server ({@link LabConfig#sharedListener}), else null. */
    private final LabSmtpServer.Shared sharedSmtp;
    private final int smtpPort;
    private final Map<String, String> hostAddresses;
    private final List<ExpectedDomain> groundTruth;
    private final LabCa ca;
    private final List<LabPolicyServer> policies;
    /** Every STARTTLS server's contexts, made on its first handshake or by {@link #prepareTls}. */
    private final List<LazyTls> tlsContexts;

    /**
     * Where the scanner finds the lab.
     *
     * @param httpsPort the port of the lab's MTA-STS policy hosts (443 when it can be bound)
     */
    public record Endpoints(String resolverHost, int resolverPort, int smtpPort, String caFile, String trustAnchorFile,
                            String domainsFile, String groundTruthFile, int httpsPort) {
    }

    private Lab(LabConfig config, EventLoopGroup group, LabDnsServer dns, List<LabSmtpServer> smtp,
                LabSmtpServer.Shared sharedSmtp, int smtpPort, Map<String, String> hostAddresses,
                List<ExpectedDomain> groundTruth, LabCa ca, List<LabPolicyServer> policies, List<LazyTls> tlsContexts) {
        this.config = config;
        this.sharedSmtp = sharedSmtp;
        this.tlsContexts = tlsContexts;
        this.group = group;
        this.dns = dns;
        this.smtp = smtp;
        this.smtpPort = smtpPort;
        this.hostAddresses = hostAddresses;
        this.groundTruth = groundTruth;
        this.ca = ca;
        this.policies = policies;
    }

    public static Lab start(LabConfig config) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("lab-io", true),
                NioIoHandler.newFactory());
        try {
            Files.createDirectories(config.dir());
            return build(config, group);
        } catch (IOException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new UncheckedIOException("cannot start the lab in " + config.dir(), e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** A server of the lab: one address, and every MX host name that leads to it. */
    private static final class Server {
        final String owner;
        final HostSpec spec;
        final Set<String> names = new LinkedHashSet<>();
        String ip;
        LabCa.Issued issued;
        /** The RSA leaf of a dual-key server, or null. */
        LabCa.Issued issuedRsa;
        List<X509Certificate> sent;
        /** A hoster's certificate per MX host name, chosen by SNI ({@link CertSpec#SNI_PER_NAME}); else empty. */
        Map<String, LabCa.Issued> byName = Map.of();

        /** The leaf a client asking for {@code name} by SNI gets. */
        X509Certificate leafFor(String name) {
            LabCa.Issued i = byName.get(name);
            return i != null ? i.leaf() : issued.leaf();
        }

        Server(String owner, HostSpec spec) {
            this.owner = owner;
            this.spec = spec;
        }
    }

    private static Lab build(LabConfig config, EventLoopGroup group) throws IOException {
        Instant now = config.clock().instant();
        // the address block: the DNS server's address must be free, and tells the others
        int octet = config.addressOctet();
        InetSocketAddress dnsAddress = null;
        for (int attempt = 0; dnsAddress == null; attempt++) {
            int b = octet != 0 ? octet : ThreadLocalRandom.current().nextInt(32, 250);
            InetAddress a = InetAddress.getByName("127." + b + ".0.53");
            int port = freeDnsPort(a, config.dnsPort());
            if (port > 0) {
                dnsAddress = new InetSocketAddress(a, port);
                octet = b;
            } else if (config.addressOctet() != 0 || attempt > 20) {
                throw new IOException("cannot bind the lab DNS server on " + a.getHostAddress());
            }
        }

        Map<String, Server> servers = servers(config.scenarios());
        int i = 0;
        for (Server s : servers.values()) {
            if (s.spec.address() == HostSpec.Address.IPV6_LOOPBACK) {
                s.ip = "::1";
            } else if (s.spec.address() == HostSpec.Address.IPV4) {
                s.ip = serverAddress(octet, i++);
            }
        }

        LabCa ca = new LabCa(config.clock());
        // thousands of keys and certificates: both cores
        servers.values().parallelStream().filter(s -> s.spec.server() != null && s.spec.server().starttls())
                .forEach(s -> certify(ca, s, now));

        LabDnsBuilder builder = new LabDnsBuilder(now, dnsAddress.getAddress());
        builder.zone(ZoneSpec.of(".", ZoneSpec.Security.ECDSA_NSEC));
        Scenarios.TLDS.forEach(builder::zone);
        for (Scenario sc : config.scenarios()) {
            sc.zones().forEach(builder::zone);
        }
        // the lab's mta-sts.<domain> hosts share a few addresses, as hosting providers serve their customers'
        // policies: one address per POLICY_HOSTS_PER_ADDRESS hosts, 250 at most
        List<String> policyIps = policyAddresses(config.scenarios(), octet);
        addRecords(builder, config.scenarios(), servers, ca);
        addPolicyHosts(builder, config.scenarios(), policyIps);
        LabDnsBuilder.Built built = builder.build();
        // every signature now, on both cores: a scan measured later must not pay for the lab's signing
        int signatures = built.zones().parallelStream().mapToInt(LabZone::signAll).sum();
        LabAuthority authority = new LabAuthority(built.zones());
        LabDnsServer dnsServer = LabDnsServer.startOnOwnLoop(authority, dnsAddress, config.dnsDelay());

        List<LabSmtpServer> started = new ArrayList<>();
        int port = config.smtpPort();
        Map<String, String> addresses = new LinkedHashMap<>();
        List<LazyTls> tlsContexts = new ArrayList<>();
        LabSmtpServer.Shared shared = null;
        try {
            if (config.sharedListener()) {
                SharedListener.requireOwnNetworkNamespace();
                port = port == 0 ? 25 : port;
                shared = LabSmtpServer.Shared.bind(port, group);
            }
            List<CompletableFuture<LabSmtpServer>> binding = new ArrayList<>();
            List<InetAddress> refusing = new ArrayList<>();
            for (Server s : servers.values()) {
                s.names.forEach(n -> addresses.put(n, s.ip));
                if (s.ip == null) {
                    continue;
                }
                InetAddress ip = InetAddress.getByName(s.ip);
                if (port == 0) {
                    boolean v6 = servers.values().stream().anyMatch(x -> "::1".equals(x.ip));
                    port = choosePort(ip, v6);
                }
                if (!s.spec.server().listening()) {
                    if (shared != null) {
                        refusing.add(ip);
                    } else {
                        assertNothingListens(ip, port);
                    }
                    continue;
                }
                LazyTls tls = s.issued == null ? null : new LazyTls(s);
                if (tls != null) {
                    tlsContexts.add(tls);
                }
                String hostName = s.names.iterator().next();
                if (shared != null) {
                    binding.add(CompletableFuture.completedFuture(
                            shared.add(hostName, s.spec.server(), tls, ip, config.smtpDelay())));
                } else {
                    binding.add(LabSmtpServer.bind(hostName, s.spec.server(), tls, new InetSocketAddress(ip, port),
                            config.smtpDelay(), group));
                }
            }
            if (shared != null) {
                SharedListener.refuse(refusing, port);
            }
            RuntimeException failure = null;
            for (var f : binding) {
                try {
                    started.add(f.join());
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(LabSmtpServer::close);
            if (shared != null) {
                shared.close();
            }
            dnsServer.close();
            throw e;
        }
        List<LabPolicyServer> policyServers;
        try {
            policyServers = startPolicyServers(config.scenarios(), policyIps, ca, now, group);
        } catch (IOException | RuntimeException e) {
            started.forEach(LabSmtpServer::close);
            if (shared != null) {
                shared.close();
            }
            dnsServer.close();
            throw e;
        }

        List<ExpectedDomain> truth = config.scenarios().stream().map(Scenario::expected).toList();
        Path dir = config.dir();
        ca.writeRootPem(dir.resolve("ca.pem"));
        TrustAnchor.write(dir, built.rootKsk());
        GroundTruth.write(dir.resolve("ground-truth.jsonl"), truth);
        Files.write(dir.resolve("domains.txt"), truth.stream().map(ExpectedDomain::domain).toList());
        Lab lab = new Lab(config, group, dnsServer, started, shared, port, addresses, truth, ca, policyServers,
                tlsContexts);
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("lab.json").toFile(), lab.endpoints());
        LOG.info("lab up: DNS {}:{} with {} zones ({} signatures), {} SMTP servers on port {}, {} domains, files in {}",
                dnsAddress.getAddress().getHostAddress(), dnsAddress.getPort(), built.zones().size(), signatures,
                started.size(), port, truth.size(), dir);
        return lab;
    }

    /**
     * One server per address owner (a CNAME'd host shares its target's server), or per shared
     * server (a provider's address serving many MX host names).
     */
    private static Map<String, Server> servers(List<Scenario> scenarios) {
        Map<String, Server> servers = new LinkedHashMap<>();
        Map<String, HostSpec> byName = new LinkedHashMap<>();
        for (Scenario sc : scenarios) {
            for (Scenario.Mx mx : sc.mx()) {
                HostSpec h = mx.host();
                HostSpec previous = byName.putIfAbsent(h.name(), h);
                if (previous != null && !previous.equals(h)) {
                    throw new IllegalArgumentException("host " + h.name() + " declared twice, differently");
                }
                Server s = servers.computeIfAbsent(h.serverKey(), k -> new Server(k, h));
                if (h.sharedServer() != null && !Objects.equals(s.spec.server(), h.server())) {
                    throw new IllegalArgumentException("host " + h.name() + " shares server " + h.sharedServer()
                            + " with another server spec");
                }
                s.names.add(h.name());
                s.names.add(h.addressOwner());
            }
        }
        return servers;
    }

    private static void certify(LabCa ca, Server s, Instant now) {
        List<String> names = List.copyOf(s.names);
        String first = names.get(0);
        Instant from = now.minus(Duration.ofDays(30));
        Instant until = now.plus(Duration.ofDays(90));
        CertSpec spec = s.spec.server().cert();
        s.issued = switch (spec) {
            case LAB_CA_VALID, LAB_CA_WITH_ROOT, DUAL_ECDSA_RSA -> ca.issue(LabCa.Issuer.ROOT, names, from, until, false);
            case LAB_CA_RSA -> ca.issue(LabCa.Issuer.ROOT, names, from, until, true);
            case HOSTILE_SUBJECT -> ca.issue(LabCa.Issuer.ROOT, names, LabCa.HOSTILE_CN, from, until, false);
            case WILDCARD -> ca.issue(LabCa.Issuer.ROOT, List.of("*." + first.substring(first.indexOf('.') + 1)), from,
                    until, false);
            case SNI_PER_NAME -> ca.issue(LabCa.Issuer.ROOT, List.of(ownName(s)), from, until, false);
            case INTERMEDIATE_CHAIN, MISSING_INTERMEDIATE -> ca.issue(LabCa.Issuer.INTERMEDIATE, names, from, until,
                    false);
            case WRONG_NAME -> ca.issue(LabCa.Issuer.ROOT, List.of("mail.elsewhere." + Scenarios.TLD), from, until,
                    false);
            case EXPIRING_SOON -> ca.issue(LabCa.Issuer.ROOT, names, from, now.plus(Duration.ofDays(10)), false);
            case EXPIRED -> ca.issue(LabCa.Issuer.ROOT, names, now.minus(Duration.ofDays(120)),
                    now.minus(Duration.ofDays(30)), false);
            case NOT_YET_VALID -> ca.issue(LabCa.Issuer.ROOT, names, now.plus(Duration.ofDays(30)),
                    now.plus(Duration.ofDays(120)), false);
            case SELF_SIGNED -> ca.issue(LabCa.Issuer.SELF, names, from, now.plus(Duration.ofDays(365)), false);
            case SELF_SIGNED_EXPIRED -> ca.issue(LabCa.Issuer.SELF, names, now.minus(Duration.ofDays(400)),
                    now.minus(Duration.ofDays(30)), false);
            case PRIVATE_CA_CHAIN, PRIVATE_CA_LEAF_ONLY -> ca.issue(LabCa.Issuer.PRIVATE, names, from, until, false);
        };
        if (spec == CertSpec.DUAL_ECDSA_RSA) {
            s.issuedRsa = ca.issue(LabCa.Issuer.ROOT, names, from, until, true);
        }
        if (spec == CertSpec.SNI_PER_NAME) {
            Map<String, LabCa.Issued> byName = new LinkedHashMap<>();
            for (String n : names) {
                byName.put(n, ca.issue(LabCa.Issuer.ROOT, List.of(n), from, until, false));
            }
            s.byName = byName;
        }
        List<X509Certificate> sent = new ArrayList<>(s.issued.chain());
        if (spec == CertSpec.INTERMEDIATE_CHAIN) {
            sent.add(ca.intermediate());
        } else if (spec == CertSpec.PRIVATE_CA_CHAIN) {
            sent.add(ca.privateCa());
        } else if (spec == CertSpec.LAB_CA_WITH_ROOT) {
            sent.add(ca.root());
        }
        s.sent = List.copyOf(sent);
    }

    /** The name a hoster's server's own certificate carries: none of its customers' MX host names. */
    private static String ownName(Server s) {
        return "server." + s.owner.replaceAll("[^a-z0-9-]", "-") + ".hosting.invalid";
    }

    /**
     * Server TLS contexts are made on the first STARTTLS: most of a large lab is never asked. A
     * hoster's server has one per name, picked by the client's SNI (its own for none or another name).
     * {@link #prepareTls} makes them all at once instead.
     */
    private static final class LazyTls implements LabSmtpServer.Tls {
        private final Server s;
        private final Map<String, SslContext> cache = new ConcurrentHashMap<>(1);
        private final LabSmtpServer.Tls tls;

        LazyTls(Server s) {
            this.s = s;
            this.tls = s.byName.isEmpty() ? LabSmtpServer.Tls.of(() -> context(""))
                    : LabSmtpServer.Tls.bySni(sni -> context(sni != null && s.byName.containsKey(sni) ? sni : ""));
        }

        /** The context for an SNI name of this server, "" for its own. */
        private SslContext context(String name) {
            return cache.computeIfAbsent(name, n -> Lab.context(s, n.isEmpty() ? s.issued.key() : s.byName.get(n).key(),
                    n.isEmpty() ? s.sent : s.byName.get(n).chain()));
        }

        /** Every context this server can present; returns how many. */
        int prepare() {
            context("");
            s.byName.keySet().forEach(this::context);
            return 1 + s.byName.size();
        }

        @Override
        public ChannelHandler handler(ByteBufAllocator alloc) {
            return tls.handler(alloc);
        }
    }

    /** The JDK's default cipher suites, the CBC-SHA ones of TLS 1.0 included (looked up once). */
    private static final class JdkSuites {
        static final List<String> ALL;

        static {
            try {
                SSLContext jdk = SSLContext.getInstance("TLS");
                jdk.init(null, null, null);
                ALL = List.of(jdk.getDefaultSSLParameters().getCipherSuites());
            } catch (GeneralSecurityException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private static SslContext context(Server s, PrivateKey key, List<X509Certificate> chain) {
        try {
            LabKeyManager keys = LabKeyManager.of(key, chain);
            if (s.issuedRsa != null) {
                // a dual-key server: the engine picks, per handshake, the key whose type the client's
                // signature algorithms (TLS 1.3) or chosen cipher suite (TLS 1.2) ask for
                keys.with(s.issuedRsa.key(), s.issuedRsa.chain());
            }
            SslContextBuilder b = SslContextBuilder.forServer(keys)
                    .sslProvider(SslProvider.JDK).protocols(s.spec.server().tls().protocols());
            if (List.of(s.spec.server().tls().protocols()).contains("TLSv1")) {
                // Netty's default suites are TLS 1.2-era: a legacy server needs the CBC-SHA ones
                b.ciphers(JdkSuites.ALL, IdentityCipherSuiteFilter.INSTANCE);
            }
            return b.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot make the TLS context of " + s.owner, e);
        }
    }

    private static void addRecords(LabDnsBuilder b, List<Scenario> scenarios, Map<String, Server> servers, LabCa ca) {
        Set<String> done = new LinkedHashSet<>();
        X509Certificate other = ca.issue(LabCa.Issuer.SELF, List.of("stale-key.invalid"), Instant.EPOCH,
                Instant.EPOCH.plus(Duration.ofDays(36500)), false).leaf();
        for (Scenario sc : scenarios) {
            Name domain = name(sc.domain());
            switch (sc.mail()) {
                case MX -> sc.mx().forEach(m -> b.record(new MXRecord(domain, DClass.IN, TTL, m.preference(),
                        name(m.host().name()))));
                case NULL_MX -> b.record(new MXRecord(domain, DClass.IN, TTL, 0, Name.root));
                case WILDCARD_MX -> {
                    Name wild = name("*." + new Name(domain, 1).toString(true));
                    sc.mx().forEach(m -> b.record(new MXRecord(wild, DClass.IN, TTL, m.preference(), name(m.host().name()))));
                }
                case IMPLICIT, NONE -> {
                    // implicit: the address comes with the host below; none: the name does not exist
                }
            }
            for (String t : sc.policies().mtaStsTxt()) {
                b.record(new TXTRecord(name("_mta-sts." + sc.domain()), DClass.IN, TTL, t));
            }
            for (String t : sc.policies().tlsRptTxt()) {
                b.record(new TXTRecord(name("_smtp._tls." + sc.domain()), DClass.IN, TTL, t));
            }
            for (Scenario.Mx m : sc.mx()) {
                HostSpec h = m.host();
                if (!done.add(h.name())) {
                    continue; // a shared host is published once
                }
                Server s = servers.get(h.serverKey());
                if (h.viaDname()) {
                    String to = h.cnameTarget().substring(h.cnameTarget().indexOf('.') + 1);
                    if (done.add("dname:" + h.dnameOwner())) {
                        b.record(new DNAMERecord(name(h.dnameOwner()), DClass.IN, TTL, name(to)));
                    }
                } else if (h.cnameTarget() != null) {
                    b.record(new CNAMERecord(name(h.name()), DClass.IN, TTL, name(h.cnameTarget())));
                }
                if (done.add("address:" + h.addressOwner()) && s.ip != null) {
                    InetAddress ip = address(s.ip);
                    b.record(s.ip.contains(":") ? new AAAARecord(name(h.addressOwner()), DClass.IN, TTL, ip)
                            : new ARecord(name(h.addressOwner()), DClass.IN, TTL, ip));
                }
                for (TlsaSpec t : h.tlsa()) {
                    X509Certificate subject = switch (t.target()) {
                        case LEAF -> s.issued != null ? s.leafFor(h.name()) : other;
                        case LEAF_RSA -> s.issuedRsa != null ? s.issuedRsa.leaf() : other;
                        case PRIVATE_CA -> ca.privateCa();
                        case LAB_CA -> ca.root();
                        case OTHER_KEY -> other;
                    };
                    b.record(new TLSARecord(name("_25._tcp." + h.name()), DClass.IN, TTL, t.usage(), t.selector(),
                            t.matching(), TlsaData.of(subject, t.selector(), t.matching())));
                }
            }
        }
    }

    /** 53 when this process may bind it on {@code a}, else (or if asked) another free port; -1 if in use. */
    private static int freeDnsPort(InetAddress a, int wanted) {
        int[] tries = wanted != 0 ? new int[] {wanted} : new int[] {53, 0};
        for (int p : tries) {
            try (ServerSocket tcp = new ServerSocket(p, 1, a);
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(a, tcp.getLocalPort()))) {
                return udp.getLocalPort();
            } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("in use")) {
                    return -1;
                }
                // permission denied for 53: try a high port
            }
        }
        return -1;
    }

    /**
     * Port 25 when this process may bind it, else a free high port. With an IPv6 host the port
     * must also be free on ::1, the one IPv6 loopback address that every lab shares.
     */
    private static int choosePort(InetAddress ip, boolean alsoV6) throws IOException {
        InetAddress v6 = InetAddress.getByName("::1");
        if (bindable(ip, 25) && (!alsoV6 || bindable(v6, 25))) {
            return 25;
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, alsoV6 ? v6 : ip)) {
                port = s.getLocalPort();
            }
            if (bindable(ip, port) && (!alsoV6 || bindable(v6, port))) {
                return port;
            }
        }
        throw new IOException("no port is free on both " + ip.getHostAddress() + " and ::1");
    }

    private static boolean bindable(InetAddress ip, int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, ip)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A refusing host must really refuse: nothing (such as a wildcard listener) may answer there. */
    private static void assertNothingListens(InetAddress ip, int port) throws IOException {
        try (ServerSocket probe = new ServerSocket(port, 1, ip)) {
            probe.setReuseAddress(true); // bindable: connections to it are refused once it is closed
        } catch (BindException e) {
            throw new IOException("another program listens on " + ip.getHostAddress() + ":" + port
                    + ", so the lab cannot simulate a refusing host there", e);
        }
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }

    static Name name(String s) {
        return ZoneSpec.name(s);
    }

    public Endpoints endpoints() {
        Path dir = config.dir().toAbsolutePath().normalize();
        return new Endpoints(dns.address().getAddress().getHostAddress(), dns.address().getPort(), smtpPort,
                dir.resolve("ca.pem").toString(), dir.resolve("root.ds").toString(), dir.resolve("domains.txt").toString(),
                dir.resolve("ground-truth.jsonl").toString(), httpsPort());
    }

    /** The port of the lab's MTA-STS policy hosts. */
    public int httpsPort() {
        return policies.get(0).address().getPort();
    }

    /** Every request the policy hosts received, as {@code "<SNI> <Host> <path>"}. */
    public List<String> policyRequests() {
        return policies.stream().flatMap(p -> p.requests().stream()).toList();
    }

    /** The first address of the lab's policy servers (every one serves every {@code mta-sts.<domain>}). */
    public String policyAddress() {
        return policies.get(0).address().getAddress().getHostAddress();
    }

    /** Policy hosts per shared address. */
    static final int POLICY_HOSTS_PER_ADDRESS = 5;

    /** Servers per address block: 127.B.1-250.1-250 (127.B.0.x and 127.B.255.x are the DNS and policy hosts). */
    static final int SERVERS_PER_BLOCK = 250 * 250;

    /**
     * The address of a lab's {@code i}-th IPv4 server: 127.B.x.y in its own block B, then in the
     * blocks after it (wrapping within 127.32-254), 62,500 servers each, for a lab of a million domains.
     */
    static String serverAddress(int octet, int i) {
        int block = i / SERVERS_PER_BLOCK;
        if (block >= 223) {
            throw new IllegalArgumentException("more than " + 223L * SERVERS_PER_BLOCK + " lab servers");
        }
        int b = block == 0 ? octet : 32 + (octet - 32 + block) % 223;
        int within = i % SERVERS_PER_BLOCK;
        return "127." + b + "." + (1 + within / 250) + "." + (1 + within % 250);
    }

    private static List<String> policyAddresses(List<Scenario> scenarios, int octet) {
        long hosts = scenarios.stream().filter(sc -> sc.policies().policyHost() != null).count();
        int n = (int) Math.max(1, Math.min(250, (hosts + POLICY_HOSTS_PER_ADDRESS - 1) / POLICY_HOSTS_PER_ADDRESS));
        List<String> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            out.add("127." + octet + ".255." + i);
        }
        return out;
    }

    /** An A record for each scenario's {@code mta-sts.<domain>} that declares one, at one of the shared addresses. */
    private static void addPolicyHosts(LabDnsBuilder b, List<Scenario> scenarios, List<String> ips) {
        int i = 0;
        for (Scenario sc : scenarios) {
            PolicySpec spec = sc.policies().policyHost();
            if (spec != null) {
                String ip = spec.address() != null ? spec.address() : ips.get(i++ % ips.size());
                b.record(new ARecord(name("mta-sts." + sc.domain()), DClass.IN, TTL, address(ip)));
            }
        }
    }

    /**
     * The HTTPS server of every policy host: the certificate by SNI, the answer by Host, as each
     * scenario's {@link PolicySpec} says; port 443 when it can be bound, else a free one.
     */
    private static List<LabPolicyServer> startPolicyServers(List<Scenario> scenarios, List<String> ips, LabCa ca,
                                                            Instant now, EventLoopGroup group) throws IOException {
        Map<String, PolicySpec> specs = new LinkedHashMap<>();
        for (Scenario sc : scenarios) {
            if (sc.policies().policyHost() != null) {
                specs.put("mta-sts." + sc.domain(), sc.policies().policyHost());
            }
        }
        Map<String, SslContext> contexts = new ConcurrentHashMap<>();
        Function<String, SslContext> tls = sni -> {
            PolicySpec spec = sni == null ? null : specs.get(sni);
            return spec == null ? null : contexts.computeIfAbsent(sni, host -> policyContext(ca, host, spec.cert(), now));
        };
        List<LabPolicyServer> started = new ArrayList<>();
        try {
            InetAddress first = InetAddress.getByName(ips.get(0));
            started.add(LabPolicyServer.bind(new InetSocketAddress(first, bindable(first, 443) ? 443 : 0), tls,
                    specs::get, group).join());
            int port = started.get(0).address().getPort();
            for (String ip : ips.subList(1, ips.size())) {
                started.add(LabPolicyServer.bind(new InetSocketAddress(InetAddress.getByName(ip), port), tls,
                        specs::get, group).join());
            }
            return started;
        } catch (IOException | RuntimeException e) {
            started.forEach(LabPolicyServer::close);
            throw e;
        }
    }

    private static SslContext policyContext(LabCa ca, String host, PolicySpec.Cert cert, Instant now) {
        Instant from = now.minus(Duration.ofDays(30));
        Instant until = now.plus(Duration.ofDays(90));
        LabCa.Issued issued = switch (cert) {
            case VALID -> ca.issue(LabCa.Issuer.ROOT, List.of(host), from, until, false);
            case SELF_SIGNED -> ca.issue(LabCa.Issuer.SELF, List.of(host), from, until, false);
            case WRONG_NAME -> ca.issue(LabCa.Issuer.ROOT, List.of("www.elsewhere." + Scenarios.TLD), from, until, false);
            case EXPIRED -> ca.issue(LabCa.Issuer.ROOT, List.of(host), now.minus(Duration.ofDays(120)),
                    now.minus(Duration.ofDays(30)), false);
        };
        try {
            return SslContextBuilder.forServer(LabKeyManager.of(issued.key(), issued.chain()))
                    .sslProvider(SslProvider.JDK).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot make the TLS context of " + host, e);
        }
    }

    /**
     * Makes every server's TLS contexts now, on every core, rather than on each server's first
     * STARTTLS: a benchmark's scans then meet a lab that is warm, as the Internet is. Returns the
     * number of contexts made (the ones already made count too).
     */
    public int prepareTls() {
        return tlsContexts.parallelStream().mapToInt(LazyTls::prepare).sum();
    }

    public InetSocketAddress resolver() {
        return dns.address();
    }

    public LabAuthority authority() {
        return dns.authority();
    }

    public int smtpPort() {
        return smtpPort;
    }

    public LabCa ca() {
        return ca;
    }

    public Path dir() {
        return config.dir();
    }

    public Path caFile() {
        return config.dir().resolve("ca.pem");
    }

    /** The root's DS record in zone-file form: what a validator is given as its trust anchor. */
    public Path trustAnchorFile() {
        return config.dir().resolve("root.ds");
    }

    public Path domainsFile() {
        return config.dir().resolve("domains.txt");
    }

    public Path groundTruthFile() {
        return config.dir().resolve("ground-truth.jsonl");
    }

    public List<ExpectedDomain> groundTruth() {
        return groundTruth;
    }

    /** The address an MX host name leads to, or null when it has none. */
    /** From now on, the lab's DNS server answers as {@code mode} says (a broken resolver, for tests). */
    public void resolverMode(ResolverMode mode) {
        dns.mode(mode);
    }

    /** What scanners did to the server at {@code ip} (null when the lab has none there). */
    public LabSmtpServer.ConnectionStats connections(String ip) {
        for (LabSmtpServer s : smtp) {
            if (s.address().getAddress().getHostAddress().equals(ip)
                    || (ip.equals("::1") && s.address().getAddress().isLoopbackAddress()
                    && s.address().getAddress() instanceof Inet6Address)) {
                return s.connections();
            }
        }
        return null;
    }

    public String addressOf(String host) {
        return hostAddresses.get(host);
    }

    /**
     * Publishes a new TLSA RRset for an MX host that has one already, as its operator would after
     * a key change: answers from now on carry the new records, signed.
     *
     * @param records presentation text, {@code "3 1 1 <hex>"} each
     */
    public void publishTlsa(String host, List<String> records) {
        Name owner = name("_25._tcp." + host);
        RRset set = new RRset();
        for (String r : records) {
            String[] f = r.strip().split("\\s+");
            if (f.length != 4) {
                throw new IllegalArgumentException("not a TLSA record (usage selector matching data): " + r);
            }
            set.addRR(new TLSARecord(owner, DClass.IN, TTL, Integer.parseInt(f[0]), Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]), HexFormat.of().parseHex(f[3])));
        }
        LabZone zone = dns.authority().zoneFor(owner, Type.TLSA);
        if (zone == null) {
            throw new IllegalArgumentException("the lab holds no zone for " + owner);
        }
        zone.replace(set);
    }

    @Override
    public void close() {
        smtp.forEach(LabSmtpServer::close);
        if (sharedSmtp != null) {
            sharedSmtp.close();
        }
        policies.forEach(LabPolicyServer::close);
        dns.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static Comparator<Scenario.Mx> byPreference() {
        return Comparator.comparingInt(Scenario.Mx::preference).thenComparing(m -> m.host().name());
    }
}
