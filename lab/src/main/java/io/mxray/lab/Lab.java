package io.mxray.lab;

import io.mxray.schema.Json;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Zone;

/**
 * A small Internet on loopback: one DNS server holding the lab's zones and one SMTP server per MX
 * host on its own 127.x.y.z address, with certificates from the lab CA. Writes, into its folder,
 * the CA bundle ({@code ca.pem}), the domain list ({@code domains.txt}), the ground truth
 * ({@code ground-truth.jsonl}) and where to find it ({@code lab.json}).
 */
public final class Lab implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);
    private static final long TTL = 300;

    private final LabConfig config;
    private final EventLoopGroup group;
    private final LabDnsServer dns;
    private final List<LabSmtpServer> smtp;
    private final int smtpPort;
    private final Map<String, String> hostAddresses;
    private final List<ExpectedDomain> groundTruth;

    /** Where the scanner finds the lab. */
    public record Endpoints(String resolverHost, int resolverPort, int smtpPort, String caFile,
                            String domainsFile, String groundTruthFile) {
    }

    private Lab(LabConfig config, EventLoopGroup group, LabDnsServer dns, List<LabSmtpServer> smtp, int smtpPort,
                Map<String, String> hostAddresses, List<ExpectedDomain> groundTruth) {
        this.config = config;
        this.group = group;
        this.dns = dns;
        this.smtp = smtp;
        this.smtpPort = smtpPort;
        this.hostAddresses = hostAddresses;
        this.groundTruth = groundTruth;
    }

    public static Lab start(LabConfig config) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
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

    private static Lab build(LabConfig config, EventLoopGroup group) throws IOException {
        int octet = config.addressOctet();
        LabDnsServer dns = null;
        for (int attempt = 0; dns == null; attempt++) {
            int b = octet != 0 ? octet : ThreadLocalRandom.current().nextInt(32, 250);
            InetAddress dnsAddress = InetAddress.getByName("127." + b + ".0.53");
            try {
                dns = startDns(config, group, dnsAddress, List.of());
                octet = b;
            } catch (Exception e) { // Netty rethrows the checked BindException undeclared
                if (!isAddressInUse(e) || attempt > 20 || config.addressOctet() != 0) {
                    throw new IllegalStateException("cannot bind the lab DNS server on " + dnsAddress, e);
                }
            }
        }
        // the address block is ours; now build the zones and restart DNS with them on the same address
        InetSocketAddress dnsAddress = dns.address();
        dns.close();

        // one address per distinct MX host, in catalogue order
        Map<String, HostSpec> hosts = new LinkedHashMap<>();
        for (Scenario s : config.scenarios()) {
            for (Scenario.Mx mx : s.mx()) {
                HostSpec previous = hosts.putIfAbsent(mx.host().name(), mx.host());
                if (previous != null && !previous.equals(mx.host())) {
                    throw new IllegalArgumentException("host " + mx.host().name() + " declared twice, differently");
                }
            }
        }
        Map<String, String> addresses = new LinkedHashMap<>();
        int i = 0;
        for (HostSpec h : hosts.values()) {
            if (h.hasAddress()) {
                addresses.put(h.name(), "127." + octet + "." + (1 + i / 250) + "." + (1 + i % 250));
                i++;
            }
        }

        LabCa ca = new LabCa(config.clock());
        List<Zone> zones = List.of(buildZone(config.scenarios(), addresses, dnsAddress.getAddress()));
        dns = LabDnsServer.start(new LabAuthority(zones), dnsAddress, group);

        List<LabSmtpServer> servers = new ArrayList<>();
        int port = config.smtpPort();
        try {
            for (HostSpec h : hosts.values()) {
                if (!h.hasAddress()) {
                    continue;
                }
                InetAddress ip = InetAddress.getByName(addresses.get(h.name()));
                if (port == 0) {
                    port = choosePort(ip);
                }
                if (!h.server().listening()) {
                    assertNothingListens(ip, port);
                    continue;
                }
                SslContext tls = h.server().offerStarttls() ? serverTls(ca, h, config) : null;
                servers.add(LabSmtpServer.start(h.name(), h.server(), tls, new InetSocketAddress(ip, port), group));
            }
        } catch (IOException | RuntimeException e) {
            servers.forEach(LabSmtpServer::close);
            dns.close();
            throw e;
        }

        List<ExpectedDomain> truth = config.scenarios().stream().map(Scenario::expected).toList();
        Path dir = config.dir();
        ca.writeRootPem(dir.resolve("ca.pem"));
        GroundTruth.write(dir.resolve("ground-truth.jsonl"), truth);
        Files.write(dir.resolve("domains.txt"), truth.stream().map(ExpectedDomain::domain).toList());
        Lab lab = new Lab(config, group, dns, servers, port, addresses, truth);
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("lab.json").toFile(), lab.endpoints());
        LOG.info("lab up: DNS {}:{}, {} SMTP servers on port {} in 127.{}.0.0/16, files in {}",
                dnsAddress.getAddress().getHostAddress(), dnsAddress.getPort(), servers.size(), port, octet, dir);
        return lab;
    }

    private static LabDnsServer startDns(LabConfig config, EventLoopGroup group, InetAddress address, List<Zone> zones) {
        LabAuthority authority = new LabAuthority(zones);
        if (config.dnsPort() != 0) {
            return LabDnsServer.start(authority, new InetSocketAddress(address, config.dnsPort()), group);
        }
        try {
            return LabDnsServer.start(authority, new InetSocketAddress(address, 53), group);
        } catch (Exception e) { // Netty rethrows the checked BindException undeclared
            if (isAddressInUse(e) || !isBindFailure(e)) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            // not root: any free port
            return LabDnsServer.start(authority, new InetSocketAddress(address, 0), group);
        }
    }

    private static boolean isAddressInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException && String.valueOf(t.getMessage()).contains("in use")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** Port 25 when this process may bind it, else a free high port. */
    private static int choosePort(InetAddress ip) throws IOException {
        try (ServerSocket probe = new ServerSocket(25, 1, ip)) {
            return probe.getLocalPort();
        } catch (BindException e) {
            try (ServerSocket s = new ServerSocket(0, 1, ip)) {
                return s.getLocalPort();
            }
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

    private static SslContext serverTls(LabCa ca, HostSpec h, LabConfig config) throws SSLException {
        Instant now = config.clock().instant();
        List<String> names = List.of(h.name());
        LabCa.Issued issued = switch (h.server().cert()) {
            case LAB_CA_VALID -> ca.issue(names);
            case WRONG_NAME -> ca.issue(List.of("mail.elsewhere." + Scenarios.TLD));
            case EXPIRED -> ca.issue(names, now.minus(Duration.ofDays(120)), now.minus(Duration.ofDays(30)));
            case NOT_YET_VALID -> ca.issue(names, now.plus(Duration.ofDays(30)), now.plus(Duration.ofDays(120)));
            case SELF_SIGNED -> ca.selfSigned(names);
        };
        return SslContextBuilder.forServer(issued.key(), issued.chain().toArray(X509Certificate[]::new))
                .sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").build();
    }

    static Zone buildZone(List<Scenario> scenarios, Map<String, String> addresses, InetAddress nsAddress)
            throws IOException {
        Name origin = name(Scenarios.TLD);
        Name ns = name("ns." + Scenarios.TLD);
        List<Record> records = new ArrayList<>();
        records.add(new SOARecord(origin, DClass.IN, TTL, ns, name("hostmaster." + Scenarios.TLD), 1, 3600, 600,
                86400, TTL));
        records.add(new NSRecord(origin, DClass.IN, TTL, ns));
        records.add(new ARecord(ns, DClass.IN, TTL, nsAddress));
        for (Scenario s : scenarios) {
            Name domain = name(s.domain());
            switch (s.mail()) {
                case MX -> {
                    for (Scenario.Mx mx : s.mx()) {
                        records.add(new MXRecord(domain, DClass.IN, TTL, mx.preference(), name(mx.host().name())));
                    }
                }
                case NULL_MX -> records.add(new MXRecord(domain, DClass.IN, TTL, 0, Name.root));
                case IMPLICIT, NONE -> {
                    // implicit: the address record comes with the host below; none: nothing at all
                }
            }
        }
        for (Map.Entry<String, String> e : addresses.entrySet()) {
            records.add(new ARecord(name(e.getKey()), DClass.IN, TTL, InetAddress.getByName(e.getValue())));
        }
        // Zone refuses duplicate records of a shared host only if identical; they are identical
        return new Zone(origin, records.toArray(Record[]::new));
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad lab name " + s, e);
        }
    }

    public Endpoints endpoints() {
        Path dir = config.dir().toAbsolutePath().normalize();
        return new Endpoints(dns.address().getAddress().getHostAddress(), dns.address().getPort(), smtpPort,
                dir.resolve("ca.pem").toString(), dir.resolve("domains.txt").toString(),
                dir.resolve("ground-truth.jsonl").toString());
    }

    public InetSocketAddress resolver() {
        return dns.address();
    }

    public int smtpPort() {
        return smtpPort;
    }

    public Path caFile() {
        return config.dir().resolve("ca.pem");
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

    /** The address given to an MX host, or null when it has none. */
    public String addressOf(String host) {
        return hostAddresses.get(host);
    }

    @Override
    public void close() {
        smtp.forEach(LabSmtpServer::close);
        dns.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    static InetAddress loopback(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
