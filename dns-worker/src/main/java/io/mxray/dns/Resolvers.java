package io.mxray.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.ForkJoinPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * mxray's resolvers: the transport to the configured resolver, and dnsjava's validator on top
 * of it with the configured trust anchor (the IANA root's by default). The upstream resolver is
 * asked with CD: its own validation, and its AD bit, are never trusted.
 */
public final class Resolvers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Resolvers.class);

    private final UdpTransport transport;
    private final ValidatingResolver validating;
    private final TldAnchors anchors;

    private Resolvers(UdpTransport transport, ValidatingResolver validating, Clock clock) {
        this.transport = transport;
        this.validating = validating;
        this.anchors = new TldAnchors(validating, clock);
    }

    public static Resolvers create(DnsConfig config, Clock clock) {
        FastSignatures.install();
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            // CompletableFuture then runs every async step on a new thread, and dnsjava's validator
            // is made of async steps: measured, it more than halves throughput
            LOG.warn("the common ForkJoinPool has parallelism {}: start the JVM with "
                    + "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2 (the mxray launcher does)",
                    ForkJoinPool.getCommonPoolParallelism());
        }
        UdpTransport transport = new UdpTransport(config.resolver(), config.sockets());
        transport.setTimeout(config.timeout());
        transport.setEDNS(0, 1232, ExtendedFlags.DO, java.util.List.of());
        // the validator's DNSKEY and DS questions are answered from a short cache, shared when concurrent
        ValidatingResolver v = new ValidatingResolver(new KeyAnswerCache(transport, clock), clock);
        try {
            Properties p = new Properties();
            // keys of every zone a scan meets, not only the most recent thousand
            p.setProperty("dnsjava.dnssec.keycache.max_size", "200000");
            v.init(p);
            try (InputStream anchor = config.trustAnchor() == null
                    ? Resolvers.class.getResourceAsStream("iana-root.ds")
                    : Files.newInputStream(config.trustAnchor())) {
                v.loadTrustAnchors(anchor);
            }
        } catch (IOException e) {
            transport.close();
            throw new UncheckedIOException("cannot read the trust anchor "
                    + (config.trustAnchor() == null ? "(IANA root)" : config.trustAnchor()), e);
        }
        if (v.getTrustAnchors().items().isEmpty()) {
            transport.close();
            throw new IllegalArgumentException("no DS or DNSKEY record in the trust anchor file " + config.trustAnchor());
        }
        v.setTimeout(config.timeout());
        return new Resolvers(transport, v, clock);
    }

    public ValidatingResolver validating() {
        return validating;
    }

    /** The transport without validation: for the content of answers the validator calls bogus. */
    public UdpTransport direct() {
        return transport;
    }

    public DnsStage stage(DnsConfig config, Clock clock) {
        return new DnsStage(config, validating, transport, clock, anchors::ensure);
    }

    @Override
    public void close() {
        transport.close();
    }
}
