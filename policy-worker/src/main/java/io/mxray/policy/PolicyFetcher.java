package io.mxray.policy;

import io.mxray.runtime.AcceptAllTrustManager;
import io.mxray.runtime.AddressPolicy;
import io.mxray.runtime.ConnectionLimiter;
import io.mxray.runtime.TlsFailures;
import io.mxray.schema.Bounds;
import io.mxray.schema.CertType;
import io.mxray.schema.Level;
import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.PolicyReason;
import io.mxray.schema.PolicyReason.Key;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.PolicyStatus;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.Judgement;
import io.mxray.verdict.StsPolicyParser;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Fetches MTA-STS policies as a sender does (RFC 8461 section 3.3): {@code GET
 * /.well-known/mta-sts.txt} over HTTPS to the policy host, SNI and Host set to it, TLS 1.2 or
 * later, a certificate for the host that the web PKI validates (the chain is captured first and
 * judged like an MX host's, so a failure says what was wrong), no redirect followed, status 200
 * only, {@code text/plain} only, at most 64 KB read, a timeout per phase. Every connection goes
 * through the same politeness as an SMTP probe: the opt-out list, the address policy and a limit
 * of connections per address.
 *
 * <p>Netty's HTTP codec rather than the JDK's {@code HttpClient}: the fetch must connect to the
 * address the DNS stage validated (the JDK client resolves names itself, with no hook before
 * Java 24's), give each phase its own timeout, and stop reading at the size limit; and Netty is the
 * SMTP stage's I/O already.
 */
public final class PolicyFetcher implements AutoCloseable {
    /** RFC 8461 section 3.3. */
    public static final String PATH = "/.well-known/mta-sts.txt";

    private final PolicyConfig config;
    private final CertificateJudge judge;
    private final Clock clock;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final AddressPolicy addresses;
    private final ConnectionLimiter limiter;
    private final Executor judging = ForkJoinPool.commonPool();
    private final SslContext tls;

    public PolicyFetcher(PolicyConfig config, CertificateJudge judge, Clock clock) {
        this(config, judge, clock, new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()), true);
    }

    public PolicyFetcher(PolicyConfig config, CertificateJudge judge, Clock clock, EventLoopGroup group,
                         boolean ownsGroup) {
        this.config = Objects.requireNonNull(config);
        this.judge = Objects.requireNonNull(judge);
        this.clock = Objects.requireNonNull(clock);
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.addresses = new AddressPolicy(config.allowNonPublic());
        this.limiter = new ConnectionLimiter(config.perIpConnections(), config.maxInFlight(), config.perIpInterval());
        try {
            // TLS 1.2 and 1.3 only (RFC 8461 section 3.3); the chain is judged after the handshake
            this.tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .trustManager(new AcceptAllTrustManager())
                    .endpointIdentificationAlgorithm(null)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot create the TLS client context", e);
        }
    }

    public PolicyConfig config() {
        return config;
    }

    public CompletionStage<PolicyResult> fetch(PolicyRequest request) {
        Instant startedAt = clock.instant();
        long start = System.nanoTime();
        List<InetAddress> allowed = new ArrayList<>();
        String refusal = null;
        for (String ip : request.addresses()) {
            // an address literal only (Netty's parser never looks a name up): a fetch makes no DNS query
            InetAddress a = NetUtil.createInetAddressFromIpAddressString(ip);
            if (a == null) {
                continue;
            }
            String optOut = config.optOut().refusal(a, List.of(request.domain(), request.host()));
            if (optOut != null) {
                return done(request, PolicyStatus.SKIPPED, new PolicyReason(Key.OPT_OUT, optOut), startedAt, start);
            }
            String why = addresses.refusal(a);
            if (why != null) {
                refusal = why;
                continue;
            }
            if (allowed.size() < PolicyConfig.MAX_ADDRESSES) {
                allowed.add(a);
            }
        }
        if (allowed.isEmpty()) {
            return done(request, PolicyStatus.SKIPPED, new PolicyReason(Key.HOST_NON_PUBLIC, refusal), startedAt,
                    start);
        }
        return attempt(request, allowed, 0, startedAt, start);
    }

    private CompletableFuture<PolicyResult> done(PolicyRequest r, PolicyStatus status, PolicyReason reason,
                                                 Instant at, long start) {
        return CompletableFuture.completedFuture(new PolicyResult(r.scanId(), r.policyKey(), r.domain(), r.host(),
                r.policyId(), status, reason, null, null, null, null, null, null, null, 0, at, millisSince(start)));
    }

    /** The address at {@code i}; the next one when this one cannot be connected to. */
    private CompletionStage<PolicyResult> attempt(PolicyRequest request, List<InetAddress> to, int i, Instant at,
                                                  long start) {
        InetAddress address = to.get(i);
        String ip = NetUtil.toAddressString(address);
        return limiter.acquire(ip).thenCompose(permit -> {
            Exchange x = new Exchange(request, ip, at, start);
            connect(x, address, config.port(), permit);
            return x.done;
        }).thenCompose(r -> unreachable(r) && i + 1 < to.size() ? attempt(request, to, i + 1, at, start)
                : CompletableFuture.completedFuture(r));
    }

    /** Whether a result says the address could not be connected to (so the next one is tried). */
    private static boolean unreachable(PolicyResult r) {
        return r.reason() != null && (r.reason().is(Key.CONNECT_REFUSED) || r.reason().is(Key.CONNECT_TIMEOUT)
                || r.reason().is(Key.NETWORK_ERROR) && "connect".equals(r.reason().detail()));
    }

    private void connect(Exchange x, InetAddress address, int port, ConnectionLimiter.Permit permit) {
        SSLEngine engine = tls.newEngine(ByteBufAllocator.DEFAULT);
        try {
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(x.request.host())));
            engine.setSSLParameters(p);
        } catch (IllegalArgumentException e) {
            // a name the SNI extension cannot carry: fetched without it, and the certificate judged all the same
        }
        SslHandler ssl = new SslHandler(engine);
        ssl.setHandshakeTimeout(config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("tls", ssl)
                                .addLast("http", new HttpClientCodec(4096, 8192, 16384))
                                .addLast("fetch", x);
                    }
                });
        ChannelFuture connecting;
        try {
            connecting = b.connect(new InetSocketAddress(address, port));
        } catch (RuntimeException e) {
            permit.release();
            x.fail(new PolicyReason(Key.NETWORK_ERROR, "connect"));
            return;
        }
        Channel channel = connecting.channel();
        channel.closeFuture().addListener(f -> {
            permit.release();
            // a failed connect or handshake is told by its own listener, with its cause
            if (!x.phase.equals("connect") && !x.phase.equals("handshake")) {
                x.fail(new PolicyReason(Key.NETWORK_ERROR, x.phase + "-closed"));
            }
        });
        connecting.addListener(f -> {
            permit.connected();
            if (f.isSuccess()) {
                x.phase = "handshake";
            } else {
                Throwable cause = f.cause();
                x.fail(cause instanceof ConnectTimeoutException ? PolicyReason.of(Key.CONNECT_TIMEOUT)
                        : cause instanceof ConnectException ? PolicyReason.of(Key.CONNECT_REFUSED)
                        : new PolicyReason(Key.NETWORK_ERROR, "connect"));
                channel.close();
            }
        });
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                x.handshaken(channel, engine);
            } else {
                x.fail(tlsFailure(f.cause()));
                channel.close();
            }
        });
    }

    static PolicyReason tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SslHandshakeTimeoutException) {
                return new PolicyReason(Key.TIMEOUT, "handshake");
            }
        }
        String why = TlsFailures.reason(cause);
        if (why.equals("alert-protocol-version") || why.equals("no-common-protocol")) {
            return new PolicyReason(Key.TLS_VERSION, why);
        }
        return new PolicyReason(Key.TLS_FAILED, why);
    }

    /** The failure the web PKI's judgement of the host's chain makes, or null when it validates. */
    static PolicyReason certificateFailure(Judgement j) {
        if (j.level() == Level.VERIFIED) {
            return null;
        }
        CertType t = j.certType();
        if (t == CertType.CA_NAME_MISMATCH) {
            return PolicyReason.of(Key.TLS_NAME_MISMATCH);
        }
        if (t == CertType.EXPIRED || t == CertType.NOT_YET_VALID) {
            return new PolicyReason(Key.TLS_EXPIRED, t.key());
        }
        return new PolicyReason(Key.TLS_UNTRUSTED, t == null ? null : t.key());
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** One connection's exchange: the handshake, its judgement, the request and the response. */
    private final class Exchange extends SimpleChannelInboundHandler<HttpObject> {
        final PolicyRequest request;
        final String ip;
        final Instant at;
        final long start;
        final CompletableFuture<PolicyResult> done = new CompletableFuture<>();
        /** Where the exchange is, as the detail of a timeout or an early close. */
        volatile String phase = "connect";
        String protocol;
        CertType certType;
        Integer status;
        String contentType;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        long bytes;
        ScheduledFuture<?> timer;

        Exchange(PolicyRequest request, String ip, Instant at, long start) {
            super(HttpObject.class);
            this.request = request;
            this.ip = ip;
            this.at = at;
            this.start = start;
        }

        void handshaken(Channel channel, SSLEngine engine) {
            protocol = engine.getSession().getProtocol();
            List<X509Certificate> chain = new ArrayList<>();
            try {
                for (Certificate c : engine.getSession().getPeerCertificates()) {
                    if (c instanceof X509Certificate x509) {
                        chain.add(x509);
                    }
                }
            } catch (SSLPeerUnverifiedException e) {
                fail(new PolicyReason(Key.TLS_FAILED, "no-certificate"));
                channel.close();
                return;
            }
            phase = "judgement";
            CompletableFuture.supplyAsync(() -> judge.judge(chain, request.host()), judging)
                    .whenComplete((j, error) -> channel.eventLoop().execute(() -> {
                        if (error != null) {
                            fail(new PolicyReason(Key.TLS_FAILED, "judgement-error"));
                            channel.close();
                            return;
                        }
                        certType = j.certType();
                        PolicyReason refused = certificateFailure(j);
                        if (refused != null) {
                            // a sender stops here: nothing is asked of a host it cannot authenticate
                            fail(refused);
                            channel.close();
                            return;
                        }
                        send(channel);
                    }));
        }

        private void send(Channel channel) {
            phase = "headers";
            DefaultFullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, PATH);
            get.headers().set(HttpHeaderNames.HOST,
                    config.port() == 443 ? request.host() : request.host() + ":" + config.port());
            get.headers().set(HttpHeaderNames.USER_AGENT, config.userAgent());
            get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            channel.writeAndFlush(get);
            timer = channel.eventLoop().schedule(() -> timeout(channel), config.headerTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        private void timeout(Channel channel) {
            fail(new PolicyReason(Key.TIMEOUT, phase));
            channel.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (done.isDone()) {
                return;
            }
            if (msg.decoderResult().isFailure()) {
                stop(ctx, new PolicyReason(Key.HTTP_MALFORMED, phase));
                return;
            }
            if (msg instanceof HttpResponse response) {
                timer.cancel(false);
                status = response.status().code();
                String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
                contentType = type == null ? null : Bounds.text(type, Bounds.HEADER_CHARS);
                if (status >= 300 && status < 400) {
                    stop(ctx, new PolicyReason(Key.REDIRECT, Integer.toString(status)));
                    return;
                }
                if (status != 200) {
                    stop(ctx, PolicyReason.httpStatus(status));
                    return;
                }
                CharSequence mime = HttpUtil.getMimeType(response);
                if (mime == null || !mime.toString().strip().toLowerCase(Locale.ROOT).equals("text/plain")) {
                    stop(ctx, PolicyReason.of(Key.CONTENT_TYPE));
                    return;
                }
                if (HttpUtil.getContentLength(response, -1L) > Bounds.POLICY_BYTES) {
                    stop(ctx, PolicyReason.of(Key.TOO_LARGE));
                    return;
                }
                phase = "body";
                timer = ctx.executor().schedule(() -> timeout(ctx.channel()), config.bodyTimeout().toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            if (msg instanceof HttpContent content) {
                int n = content.content().readableBytes();
                bytes += n;
                if (bytes > Bounds.POLICY_BYTES) {
                    stop(ctx, PolicyReason.of(Key.TOO_LARGE));
                    return;
                }
                byte[] chunk = new byte[n];
                content.content().readBytes(chunk);
                body.write(chunk, 0, n);
                if (msg instanceof LastHttpContent) {
                    timer.cancel(false);
                    finish(ctx);
                }
            }
        }

        private void finish(ChannelHandlerContext ctx) {
            String text = decode(body.toByteArray());
            StsPolicyParser.Parsed parsed = StsPolicyParser.parse(text);
            String kept = Bounds.multiline(text, Bounds.POLICY_CHARS);
            if (parsed instanceof StsPolicyParser.Valid v) {
                complete(PolicyStatus.VALID, null, v.policy(), kept);
            } else {
                complete(PolicyStatus.FAILED, ((StsPolicyParser.Invalid) parsed).reason(), null, kept);
            }
            ctx.close();
        }

        private void stop(ChannelHandlerContext ctx, PolicyReason reason) {
            if (timer != null) {
                timer.cancel(false);
            }
            fail(reason);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (phase.equals("connect") || phase.equals("handshake")) {
                fail(tlsFailure(cause));
            } else if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
                fail(new PolicyReason(Key.TLS_FAILED, TlsFailures.reason(cause)));
            } else {
                fail(new PolicyReason(Key.NETWORK_ERROR, phase));
            }
            ctx.close();
        }

        void fail(PolicyReason reason) {
            complete(PolicyStatus.FAILED, reason, null, null);
        }

        private void complete(PolicyStatus s, PolicyReason reason, MtaStsPolicy policy, String text) {
            if (done.isDone()) {
                return;
            }
            done.complete(new PolicyResult(request.scanId(), request.policyKey(), request.domain(), request.host(),
                    request.policyId(), s, reason, policy, ip, protocol, certType, status, contentType, text, bytes,
                    at, millisSince(start)));
        }
    }

    /** UTF-8 (RFC 8461 section 3.2 allows it in extension values); malformed bytes become U+FFFD. */
    static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e); // REPLACE never throws
        }
    }

    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
