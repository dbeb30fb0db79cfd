package io.mxray.dns;

import io.mxray.dns.dnssec.SecureResolver;
import io.mxray.dns.dnssec.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * mxray's resolvers: the transport to the configured resolver, and the validator on top of it
 * with the configured trust anchor (the IANA root's by default): mxray's own, or dnsjava's
 * ValidatingResolver when asked for. The upstream resolver is asked with CD: its own validation,
 * and its AD bit, are never trusted.
 */
public final class Resolvers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Resolvers.class);

    private final UdpTransport transport;
    private final SecureResolver secure;
    private final Validator validator;
    private final Function<Name, CompletableFuture<Void>> prepare;
    private final ResolverHealth health;

    private Resolvers(UdpTransport transport, SecureResolver secure, Validator validator,
                      Function<Name, CompletableFuture<Void>> prepare, ResolverHealth health) {
        this.transport = transport;
        this.secure = secure;
        this.validator = validator;
        this.prepare = prepare;
        this.health = health;
    }

    public static Resolvers create(DnsConfig config, Clock clock) {
        UdpTransport transport = new UdpTransport(config.resolver(), config.ioThreads());
        transport.setTimeout(config.timeout());
        transport.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
        try {
            Map<Name, List<Record>> anchors;
            try (InputStream in = anchor(config)) {
                anchors = Validator.readAnchors(in);
            }
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("no DS or DNSKEY record in the trust anchor file " + config.trustAnchor());
            }
            ResolverHealth health = new ResolverHealth(transport, config.resolver(), anchors, clock, config.timeout());
            if (config.validator() == DnsConfig.ValidatorKind.DNSJAVA) {
                return dnsjava(config, clock, transport, health);
            }
            Validator v = new Validator(transport, anchors, clock);
            return new Resolvers(transport, v, v, name -> CompletableFuture.completedFuture(null), health);
        } catch (IOException e) {
            transport.close();
            throw new UncheckedIOException("cannot read the trust anchor "
                    + (config.trustAnchor() == null ? "(IANA root)" : config.trustAnchor()) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    private static InputStream anchor(DnsConfig config) throws IOException {
        return config.trustAnchor() == null ? Resolvers.class.getResourceAsStream("iana-root.ds")
                : Files.newInputStream(config.trustAnchor());
    }

    /**
     * dnsjava's validator over the same transport, tuned as far as it goes: ECDSA through
     * {@link FastSignatures}, DNSKEY and DS answers cached ({@link KeyAnswerCache}), per-TLD
     * anchors ({@link TldAnchors}).
     */
    private static Resolvers dnsjava(DnsConfig config, Clock clock, UdpTransport transport, ResolverHealth health)
            throws IOException {
        FastSignatures.install();
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            // CompletableFuture then runs every async step on a new thread, and dnsjava's validator
            // is made of async steps: measured, it more than halves throughput
            LOG.warn("the common ForkJoinPool has parallelism {}: start the JVM with "
                    + "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2 (the mxray launcher does)",
                    ForkJoinPool.getCommonPoolParallelism());
        }
        ValidatingResolver v = new ValidatingResolver(new KeyAnswerCache(transport, clock), clock);
        Properties p = new Properties();
        p.setProperty("dnsjava.dnssec.keycache.max_size", "200000");
        v.init(p);
        try (InputStream in = anchor(config)) {
            v.loadTrustAnchors(in);
        }
        if (v.getTrustAnchors().items().isEmpty()) {
            throw new IllegalArgumentException("no DS or DNSKEY record in the trust anchor file " + config.trustAnchor());
        }
        v.setTimeout(config.timeout());
        TldAnchors anchors = new TldAnchors(v, clock);
        return new Resolvers(transport, new AdBitResolver(v, transport), null, anchors::ensure, health);
    }

    /** The validator's answers: each with its DNSSEC status. */
    public SecureResolver secure() {
        return secure;
    }

    /** mxray's validator, or null when dnsjava's was asked for. */
    public Validator validator() {
        return validator;
    }

    /** The resolver's check and circuit breaker. */
    public ResolverHealth health() {
        return health;
    }

    /** The transport without validation. */
    public UdpTransport direct() {
        return transport;
    }

    public DnsStage stage(DnsConfig config, Clock clock) {
        return new DnsStage(config, secure, clock, prepare);
    }

    @Override
    public void close() {
        transport.close();
    }
}
