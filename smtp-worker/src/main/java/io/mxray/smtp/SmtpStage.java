package io.mxray.smtp;

import io.mxray.runtime.AcceptAllTrustManager;
import io.mxray.runtime.AddressPolicy;
import io.mxray.runtime.ConnectionLimiter;
import io.mxray.schema.Bounds;
import io.mxray.schema.CertType;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.KeyCoverage;
import io.mxray.schema.KeyType;
import io.mxray.schema.Level;
import io.mxray.schema.PresentedCertificate;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.SecondHandshake;
import io.mxray.schema.Timings;
import io.mxray.schema.TlsCoverage;
import io.mxray.schema.TlsSession;
import io.mxray.schema.TlsVersionResult;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.DaneJudge;
import io.mxray.verdict.Judgement;
import io.mxray.verdict.Levels;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The SMTP stage: probes one (IP, MX host name), captures what TLS it gets, and judges it.
 * Non-blocking (Netty); at most {@link SmtpConfig#perIpConnections()} connections to one address;
 * every probe ends by its deadline with exactly one {@link ProbeResult}, failures included.
 */
public final class SmtpStage implements AutoCloseable {
    static {
        // measure legacy servers instead of failing them: before this JVM's first TLS context
        TlsCoverage.widen();
    }

    private final SmtpConfig config;
    private final CertificateJudge judge;
    private final Clock clock;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final SslContext tls;
    private final AddressPolicy policy;
    private final ConnectionLimiter limiter;
    private final Executor judging;
    private final SharedChains sharedChains = new SharedChains();
    private final AtomicLong inferred = new AtomicLong();

    public SmtpStage(SmtpConfig config, CertificateJudge judge, Clock clock) {
        this(config, judge, clock, new MultiThreadIoEventLoopGroup(2,
                new DefaultThreadFactory("mxray-smtp", true), NioIoHandler.newFactory()), true);
    }

    public SmtpStage(SmtpConfig config, CertificateJudge judge, Clock clock, EventLoopGroup group, boolean ownsGroup) {
        this.config = Objects.requireNonNull(config);
        this.judge = Objects.requireNonNull(judge);
        this.clock = Objects.requireNonNull(clock);
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.policy = new AddressPolicy(config.allowNonPublic());
        this.limiter = new ConnectionLimiter(config.perIpConnections(), config.maxInFlight(), config.perIpInterval());
        // PKIX path building costs milliseconds: keep it off the I/O threads
        this.judging = ForkJoinPool.commonPool();
        this.tls = clientContext();
    }

    private static SslContext clientContext;

    /**
     * A client engine that cannot resume a session: made without a peer host and port (the JDK's
     * key for its session cache), the server name given as SNI explicitly. A resumed session skips
     * the server's certificate and key exchange: a second probe of a host (in the next scan of a
     * long-lived worker) would report what the first saw, not what the server sends now, and a
     * TLS 1.2 host would lose its key exchange group.
     */
    static SSLEngine freshEngine(SslContext tls, String sni) {
        SSLEngine engine = tls.newEngine(ByteBufAllocator.DEFAULT);
        SNIHostName name = sniHostName(sni);
        if (name != null) {
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(name));
            engine.setSSLParameters(p);
        }
        return engine;
    }

    /**
     * The server name as the JDK would send it for a peer host: without a trailing dot, never an
     * IP address literal or a name without a dot; null when there is none to send.
     */
    static SNIHostName sniHostName(String host) {
        if (host == null) {
            return null;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (h.indexOf('.') < 0 || h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return null;
        }
        try {
            return new SNIHostName(h);
        } catch (IllegalArgumentException e) {
            return null; // not a host name the TLS extension can carry
        }
    }

    /**
     * The TLS client context of every probe: the same for all stages of the process (it depends on
     * nothing configurable), built once. Building it takes a few hundred milliseconds: a short-lived
     * process ({@code mxray check}) calls this early, on another thread.
     */
    public static synchronized SslContext clientContext() {
        if (clientContext == null) {
            // the class's static initializer has widened the TLS coverage already: legacy servers are measured
            try {
                clientContext = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                        .trustManager(new AcceptAllTrustManager())
                        .endpointIdentificationAlgorithm(null)
                        .protocols(TlsCoverage.PROTOCOLS)
                        .ciphers(offeredSuites(), IdentityCipherSuiteFilter.INSTANCE)
                        .build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot create the TLS client context", e);
            }
        }
        return clientContext;
    }

    /**
     * The cipher suites offered: the JDK's default order first (modern suites lead), then every
     * other suite it supports, but never NULL (no encryption) or anonymous (no certificate) ones.
     */
    static List<String> offeredSuites() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            LinkedHashSet<String> suites = new LinkedHashSet<>(
                    List.of(context.getDefaultSSLParameters().getCipherSuites()));
            suites.addAll(List.of(context.getSupportedSSLParameters().getCipherSuites()));
            suites.removeIf(s -> s.contains("_NULL_") || s.contains("_anon_") || s.contains("_KRB5_"));
            return List.copyOf(suites);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS context", e);
        }
    }

    public CompletionStage<ProbeResult> probe(ProbeRequest request) {
        Instant startedAt = clock.instant();
        // an address literal only (Netty's parser never looks a name up): a probe makes no DNS query
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(request.ip());
        if (address == null) {
            return CompletableFuture.completedFuture(skipped(request, startedAt, "invalid-address"));
        }
        String refusal = config.optOut().refusal(address, request.names());
        if (refusal == null) {
            refusal = policy.refusal(address);
        }
        if (refusal != null) {
            return CompletableFuture.completedFuture(skipped(request, startedAt, refusal));
        }
        if (!config.sharedChain()) {
            return direct(request, address, startedAt, null);
        }
        SharedChains.Plan plan = sharedChains.plan(request);
        if (plan instanceof SharedChains.Direct d) {
            return direct(request, address, startedAt, d.seed() ? c -> sharedChains.seeded(d.address(), c) : null);
        }
        SharedChains.Address a = ((SharedChains.Await) plan).address();
        return a.decided().thenCompose(reference -> {
            if (reference == null || a.off()) {
                return direct(request, address, clock.instant(), null);
            }
            if (a.sampleNext()) {
                return direct(request, address, clock.instant(), c -> sharedChains.sampled(a, reference, c));
            }
            return CompletableFuture.supplyAsync(() -> inferred(request, reference), judging);
        });
    }

    /**
     * The probe's connections (the first handshake, the other key type's, the older versions'),
     * then the judgement; {@code captured} (null: none) is told, exactly once, what they captured
     * for shared-chain inference, or null when that is not shareable or the probe failed.
     */
    private CompletionStage<ProbeResult> direct(ProbeRequest request, InetAddress address, Instant startedAt,
                                                Consumer<SharedChains.Capture> captured) {
        AtomicBoolean told = new AtomicBoolean();
        Consumer<SharedChains.Capture> tell = c -> {
            if (captured != null && told.compareAndSet(false, true)) {
                captured.accept(c);
            }
        };
        // SNI: the TLSA base domain when DANE applies, else the MX host name (RFC 7672 section 8.1)
        String sni = request.sni();
        return connection(request, address, () -> freshEngine(tls, sni))
                .thenCompose(first -> second(request, address, first)
                        .thenCompose(second -> versions(request, address, first)
                                .thenApplyAsync(versions -> {
                                    ProbeResult r = result(request, startedAt, first, second, versions, null);
                                    if (captured != null) { // the chains' digest only where a seed or sample waits
                                        tell.accept(SharedChains.shareable(first) ? new SharedChains.Capture(
                                                request.probeKey(), sni, first, second, versions,
                                                SharedChains.fingerprint(first, second == null ? null
                                                        : second.record(), versions)) : null);
                                    }
                                    return r;
                                }, judging)))
                .whenComplete((r, e) -> tell.accept(null));
    }

    /** The request judged against the chains another name's probe of its address captured: no connection. */
    private ProbeResult inferred(ProbeRequest request, SharedChains.Capture reference) {
        inferred.incrementAndGet();
        return result(request, clock.instant(), reference.first(), reference.second(), reference.versions(), reference)
                .inferredFrom(reference.probeKey());
    }

    /** Results judged from another probe's chains so far (shared-chain inference). */
    public long inferredResults() {
        return inferred.get();
    }

    /**
     * Which TLS versions the server accepts (with {@link SmtpConfig#tlsVersions()}), or null. The
     * first handshake offered every version, so the server chose the newest it accepts: the newer
     * ones are refused, and each older one is tried with a connection of its own, one at a time,
     * through the same politeness limits.
     */
    private CompletionStage<Map<String, String>> versions(ProbeRequest request, InetAddress address,
                                                                     ProbeSession.Record first) {
        if (!config.tlsVersions() || first.outcome != ProbeOutcome.TLS_ESTABLISHED
                || !TlsCoverage.PROTOCOLS.contains(first.protocol)) {
            return CompletableFuture.completedFuture(null);
        }
        Map<String, String> found = new LinkedHashMap<>();
        int negotiated = TlsCoverage.PROTOCOLS.indexOf(first.protocol);
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < TlsCoverage.PROTOCOLS.size(); i++) {
            String version = TlsCoverage.PROTOCOLS.get(i);
            if (i < negotiated) {
                found.put(version, TlsVersionResult.REFUSED); // the negotiation chose an older one
            } else if (i == negotiated) {
                found.put(version, TlsVersionResult.ACCEPTED);
            } else {
                String sni = request.sni();
                chain = chain.thenCompose(x -> connection(request, address,
                                () -> onlyVersion(freshEngine(tls, sni), version)))
                        .thenAccept(r -> found.put(version, TlsVersionResult.of(r.outcome, r.reason)));
            }
        }
        return chain.thenApply(x -> found);
    }

    private static SSLEngine onlyVersion(SSLEngine engine, String version) {
        engine.setEnabledProtocols(new String[] {version});
        return engine;
    }

    /** What the second handshake got, or null when TLS was never attempted. */
    record Second(KeyType offered, ProbeSession.Record record, SecondHandshake skipped) {
    }

    /**
     * The handshake that asks for the other key type, through the same politeness limits as the
     * first: after ECDSA only RSA is offered, after RSA only ECDSA.
     */
    private CompletionStage<Second> second(ProbeRequest request, InetAddress address, ProbeSession.Record first) {
        if (first.outcome != ProbeOutcome.TLS_ESTABLISHED) {
            boolean attempted = first.outcome == ProbeOutcome.HANDSHAKE_FAILED
                    || first.failedAt == ProbeSession.Step.HANDSHAKE || first.failedAt == ProbeSession.Step.STARTTLS;
            return CompletableFuture.completedFuture(attempted && config.allCertificates()
                    ? new Second(null, null, SecondHandshake.skipped(SecondHandshake.Skip.FIRST_HANDSHAKE_FAILED)) : null);
        }
        if (!config.allCertificates()) {
            return CompletableFuture.completedFuture(new Second(null, null, SecondHandshake.skipped(SecondHandshake.Skip.DISABLED)));
        }
        if (first.chain.isEmpty()) {
            return CompletableFuture.completedFuture(new Second(null, null,
                    SecondHandshake.skipped(SecondHandshake.Skip.NO_CERTIFICATE)));
        }
        KeyType had = KeyTypes.of(first.chain.get(0));
        KeyType offered = had.other();
        if (offered == null) {
            return CompletableFuture.completedFuture(new Second(null, null, SecondHandshake.skipped(had)));
        }
        String sni = request.sni();
        return connection(request, address, () -> KeyTypes.offering(freshEngine(tls, sni), offered))
                .thenApply(r -> new Second(offered, r, null));
    }

    /**
     * One connection to the request's address, once the politeness limits allow it (every
     * connection of a probe comes through here: the first, the second handshake's, the versions').
     */
    private CompletionStage<ProbeSession.Record> connection(ProbeRequest request, InetAddress address,
                                                            Supplier<SSLEngine> engines) {
        return limiter.acquire(request.ip()).thenCompose(permit -> session(request, address, engines, permit));
    }

    /** One connection: greeting, EHLO, STARTTLS, the handshake of {@code engines}, QUIT. */
    private CompletableFuture<ProbeSession.Record> session(ProbeRequest request, InetAddress address,
                                                           Supplier<SSLEngine> engines,
                                                           ConnectionLimiter.Permit permit) {
        CompletableFuture<ProbeSession.Record> decided = new CompletableFuture<>();
        ProbeSession.Record record = new ProbeSession.Record();
        record.startNanos = System.nanoTime();
        ProbeSession session = new ProbeSession(record, config, request.sni(), engines, decided::complete);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("read-timeout", ProbeSession.readTimeout(config))
                                .addLast(ProbeSession.ByteBudget.NAME, new ProbeSession.ByteBudget(config.maxBytes()))
                                .addLast("replies", new SmtpReplyDecoder(config.maxLineLength(), config.maxReplyLines()))
                                .addLast("session", session);
                    }
                });
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                permit.release();
            }
        };
        ChannelFuture connecting;
        try {
            connecting = b.connect(new InetSocketAddress(address, request.port()));
        } catch (RuntimeException e) {
            release.run();
            record.outcome = ProbeOutcome.NETWORK_ERROR;
            record.reason = "connect-failed";
            return CompletableFuture.completedFuture(record);
        }
        Channel channel = connecting.channel();
        channel.closeFuture().addListener(f -> release.run());
        connecting.addListener(f -> {
            permit.connected();
            if (!f.isSuccess()) {
                Throwable cause = f.cause();
                if (cause instanceof ConnectTimeoutException) {
                    record.outcome = ProbeOutcome.CONNECT_TIMEOUT;
                } else if (cause instanceof NoRouteToHostException) {
                    record.outcome = ProbeOutcome.NETWORK_ERROR;
                    record.reason = "no-route-to-host";
                } else if (cause instanceof ConnectException) {
                    // the JDK's NIO connect throws ConnectException for ECONNREFUSED, ETIMEDOUT and
                    // ENOTCONN only (sun.nio.ch.Net); the kernel's ETIMEDOUT (SYN retries, minutes)
                    // comes long after the connect timeout above: a ConnectException is a refusal (RST)
                    record.outcome = ProbeOutcome.CONNECTION_REFUSED;
                } else {
                    record.outcome = ProbeOutcome.NETWORK_ERROR;
                    record.reason = connectFailure(cause);
                }
                release.run();
                decided.complete(record);
            }
        });
        // whatever the server does, the probe ends by its deadline
        var deadline = channel.eventLoop().schedule(() -> {
            session.deadline();
            channel.close();
        }, config.probeDeadline().toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> deadline.cancel(false));
        return decided;
    }

    /**
     * The result of the connections' records, judged for the request's name and TLSA records;
     * {@code from} (null: this request's own connections): the records are another name's probe of
     * the address, this request made no connection (no timings; the SNI is the one that was sent).
     */
    private ProbeResult result(ProbeRequest request, Instant startedAt, ProbeSession.Record r, Second second,
                               Map<String, String> versions, SharedChains.Capture from) {
        boolean borrowed = from != null;
        List<X509Certificate> chain = r.chain;
        long total = borrowed ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startNanos);
        Timings timings = borrowed ? new Timings(null, null, null, null, null, 0)
                : new Timings(r.connectMs, r.bannerMs, r.ehloMs, r.starttlsMs, r.handshakeMs, total);
        TlsSession session = null;
        Level level;
        Level pkix = null;
        CertType certType = null;
        String decidedBy;
        String reason = r.reason;
        Instant now = clock.instant();
        DaneResult dane;
        List<PresentedCertificate> certificates = new ArrayList<>(2);
        if (r.outcome == ProbeOutcome.TLS_ESTABLISHED) {
            Judgement web = judge.judge(chain, request.mxHost());
            dane = DaneJudge.judge(request.tlsa(), chain, request.mxHost(), now);
            Judgement j = Levels.withTls(web, dane);
            pkix = web.level();
            level = j.level();
            certType = j.certType();
            decidedBy = j.decidedBy();
            reason = j.reason();
            session = new TlsSession(r.protocol, r.cipher, r.group, borrowed ? from.sni() : request.sni(), der(chain));
            if (!chain.isEmpty()) {
                certificates.add(new PresentedCertificate(KeyTypes.of(chain.get(0)), r.protocol, session.chainDer(),
                        web.level(), web.certType(), dane));
            }
            if (second != null && second.record() != null && second.record().outcome == ProbeOutcome.TLS_ESTABLISHED
                    && !second.record().chain.isEmpty()) {
                List<X509Certificate> other = second.record().chain;
                Judgement otherWeb = judge.judge(other, request.mxHost());
                certificates.add(new PresentedCertificate(KeyTypes.of(other.get(0)), second.record().protocol,
                        der(other), otherWeb.level(), otherWeb.certType(),
                        DaneJudge.judge(request.tlsa(), other, request.mxHost(), now)));
            }
            if ((dane.status() == DaneStatus.VALID || dane.status() == DaneStatus.MISMATCH) && !certificates.isEmpty()) {
                int matched = (int) certificates.stream()
                        .filter(c -> c.dane() != null && c.dane().status() == DaneStatus.VALID).count();
                dane = dane.covering(KeyCoverage.of(certificates.size(), matched));
            }
        } else {
            level = Levels.withoutTls(r.outcome,
                    r.failedAt == ProbeSession.Step.STARTTLS || r.failedAt == ProbeSession.Step.HANDSHAKE);
            decidedBy = r.outcome.key();
            dane = DaneJudge.judge(request.tlsa(), null, request.mxHost(), now);
        }
        // what the server said, as much as Bounds keeps (a hostile banner must not make the result unpublishable)
        Bounds.Kept banner = Bounds.lines(List.copyOf(r.banner),
                Bounds.BANNER_LINES, Bounds.LINE_CHARS);
        Bounds.Kept ehlo = Bounds.lines(r.ehlo, Bounds.EHLO_KEYWORDS,
                Bounds.KEYWORD_CHARS);
        List<String> truncated = new ArrayList<>(2);
        if (banner.cut()) {
            truncated.add("banner");
        }
        if (ehlo.cut()) {
            truncated.add("ehlo");
        }
        SecondHandshake secondHandshake = second == null ? null : second.skipped() != null ? second.skipped()
                : new SecondHandshake(second.offered(), second.record().outcome, second.record().reason);
        if (secondHandshake != null && secondHandshake.presented() && certificates.size() < 2) {
            // a handshake without a certificate chain cannot be judged: say so instead of claiming one
            secondHandshake = new SecondHandshake(second.offered(), ProbeOutcome.PROTOCOL_ERROR, "no-certificate");
        }
        return new ProbeResult(request.scanId(), request.probeKey(), request.ip(), request.port(), request.mxHost(),
                r.outcome, reason, level, certType, pkix, decidedBy, dane, banner.lines(), ehlo.lines(), session,
                timings, startedAt, truncated, certificates, secondHandshake, versions);
    }

    /**
     * The reason key of a connection that failed otherwise: a closed set, one per exception type
     * the JDK's NIO connect throws (sun.nio.ch.Net: EADDRINUSE, EADDRNOTAVAIL and EACCES a
     * BindException, EPROTO a ProtocolException, ENETUNREACH and the rest a SocketException).
     */
    static String connectFailure(Throwable cause) {
        if (cause instanceof BindException) {
            return "connect-BindException";
        }
        if (cause instanceof ProtocolException) {
            return "connect-ProtocolException";
        }
        if (cause instanceof SocketException) {
            return "connect-SocketException";
        }
        return "connect-failed";
    }

    private ProbeResult skipped(ProbeRequest request, Instant at, String reason) {
        return new ProbeResult(request.scanId(), request.probeKey(), request.ip(), request.port(), request.mxHost(),
                ProbeOutcome.SKIPPED, reason, null, null, "policy", null, List.of(), List.of(), null,
                new Timings(null, null, null, null, null, 0), at);
    }

    private static List<String> der(List<X509Certificate> chain) {
        List<String> out = new ArrayList<>();
        for (X509Certificate c : chain) {
            try {
                out.add(Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (CertificateEncodingException e) {
                out.add("");
            }
        }
        return out;
    }

    public ConnectionLimiter limiter() {
        return limiter;
    }

    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
