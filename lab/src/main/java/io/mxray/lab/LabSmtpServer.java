package io.mxray.lab;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.util.Mapping;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lab MX host: an SMTP server on one address that greets, answers EHLO (with or without
 * STARTTLS), upgrades to TLS with the certificate its scenario declares, and accepts no mail;
 * or misbehaves as its scenario declares ({@link Behavior}). Every reply can be delayed by the
 * lab's injected latency, without blocking a thread (the event loop schedules the write).
 */
public final class LabSmtpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabSmtpServer.class);
    static final Duration SLOW_BANNER = Duration.ofSeconds(10);

    private final String hostName;
    private final ServerSpec spec;
    private final Tls tls;
    private final Duration delay;
    private final InetSocketAddress address;
    private final Connections connections = new Connections();
    /** Its own listening socket; null when a {@link Shared} listener serves its address. */
    private volatile Channel channel;

    private LabSmtpServer(String hostName, ServerSpec spec, Tls tls, InetSocketAddress address, Duration delay) {
        this.hostName = hostName;
        this.spec = spec;
        this.tls = tls;
        this.address = address;
        this.delay = delay;
    }

    /** A connection made to this server's address: counted, then served as its spec says. */
    private void accept(SocketChannel c) {
        connections.opened();
        c.closeFuture().addListener(f -> connections.closed());
        c.pipeline().addLast("lines", new LineBasedFrameDecoder(4096))
                .addLast("text", new StringDecoder(StandardCharsets.US_ASCII))
                .addLast("session", new Session(hostName, spec, tls, delay));
    }

    /**
     * What a scanner did to this server: connections in all, at most how many at once, open now,
     * and the shortest time between two connections' starts (politeness is measured here, at the
     * receiving end, whatever the scanner believes it does).
     */
    public record ConnectionStats(long total, int peak, int open, long minGapMillis) {
    }

    /** Counts the connections of one server (one address). */
    static final class Connections {
        private final AtomicLong total = new AtomicLong();
        private final AtomicInteger open = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();
        private long lastStart = Long.MIN_VALUE;
        private long minGap = Long.MAX_VALUE;

        synchronized void opened() {
            total.incrementAndGet();
            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
            long now = System.nanoTime();
            if (lastStart != Long.MIN_VALUE) {
                minGap = Math.min(minGap, now - lastStart);
            }
            lastStart = now;
        }

        void closed() {
            open.decrementAndGet();
        }

        synchronized ConnectionStats stats() {
            return new ConnectionStats(total.get(), peak.get(), open.get(),
                    minGap == Long.MAX_VALUE ? -1 : minGap / 1_000_000);
        }
    }

    public ConnectionStats connections() {
        return connections.stats();
    }

    /**
     * How a server upgrades a connection after STARTTLS: one TLS context, or one per name the client
     * asks for by SNI (a hoster's server).
     */
    public interface Tls {
        /** The handler added in front of the session; the 220 that follows leaves in the clear. */
        ChannelHandler handler(ByteBufAllocator alloc);

        /** One context for every client, made on the first STARTTLS. */
        static Tls of(Supplier<SslContext> context) {
            return alloc -> new SslHandler(context.get().newEngine(alloc), true);
        }

        /** A context per SNI name (null: the client sent none), picked when the ClientHello arrives. */
        static Tls bySni(Function<String, SslContext> byName) {
            Mapping<String, SslContext> mapping = byName::apply;
            return alloc -> new SniHandler(mapping);
        }
    }

    /**
     * @param tls    made on the first STARTTLS (null when STARTTLS is not offered)
     * @param delay  added before every reply
     */
    public static LabSmtpServer start(String hostName, ServerSpec spec, Tls tls,
                                      InetSocketAddress bind, Duration delay, EventLoopGroup group) {
        return bind(hostName, spec, tls, bind, delay, group).join();
    }

    /** Binds without waiting: a lab of thousands of hosts binds them all at once. */
    public static CompletableFuture<LabSmtpServer> bind(String hostName, ServerSpec spec,
            Tls tls, InetSocketAddress bind, Duration delay, EventLoopGroup group) {
        var result = new CompletableFuture<LabSmtpServer>();
        LabSmtpServer server = new LabSmtpServer(hostName, spec, tls, bind, delay);
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        server.accept(c);
                    }
                }).bind(bind).addListener(f -> {
                    var cf = (ChannelFuture) f;
                    if (cf.isSuccess()) {
                        server.channel = cf.channel();
                        result.complete(server);
                    } else {
                        result.completeExceptionally(new IllegalStateException("cannot bind the lab SMTP server "
                                + hostName + " on " + bind + ": " + cf.cause().getMessage(), cf.cause()));
                    }
                });
        return result;
    }

    /** Where this server listens (on its own socket or through a shared one). */
    public InetSocketAddress address() {
        Channel c = channel;
        return c != null ? (InetSocketAddress) c.localAddress() : address;
    }

    /** Closes its own socket; a server of a {@link Shared} listener stops with that listener. */
    @Override
    public void close() {
        Channel c = channel;
        if (c != null) {
            c.close().syncUninterruptibly();
        }
    }

    /**
     * One listening socket on the wildcard address for many servers: each accepted connection goes
     * to the server of the local address it was made to, and one made to an address without a
     * server is closed at once. A lab of a million domains has some 430,000 servers, more than
     * the files a process may open. Only where nothing else needs the port on any address (a
     * network namespace of the lab's own).
     */
    public static final class Shared implements AutoCloseable {
        private final Map<InetAddress, LabSmtpServer> byAddress = new ConcurrentHashMap<>();
        private final int port;
        private Channel channel;

        private Shared(int port) {
            this.port = port;
        }

        /** Binds 0.0.0.0 on {@code port}. */
        public static Shared bind(int port, EventLoopGroup group) {
            Shared shared = new Shared(port);
            InetSocketAddress wildcard = new InetSocketAddress(port);
            ChannelFuture bound = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            LabSmtpServer server = shared.byAddress.get(c.localAddress().getAddress());
                            if (server == null) {
                                c.close();
                            } else {
                                server.accept(c);
                            }
                        }
                    }).bind(wildcard).syncUninterruptibly();
            if (!bound.isSuccess()) {
                throw new IllegalStateException("cannot bind the lab's shared SMTP listener on " + wildcard + ": "
                        + bound.cause().getMessage(), bound.cause());
            }
            shared.channel = bound.channel();
            return shared;
        }

        /** A server at {@code ip}, served by this listener from now on. */
        public LabSmtpServer add(String hostName, ServerSpec spec, Tls tls, InetAddress ip, Duration delay) {
            LabSmtpServer server = new LabSmtpServer(hostName, spec, tls, new InetSocketAddress(ip, port), delay);
            if (byAddress.putIfAbsent(ip, server) != null) {
                throw new IllegalArgumentException("two lab SMTP servers on " + ip.getHostAddress());
            }
            return server;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }

    private static final class Session extends SimpleChannelInboundHandler<String> {
        private final String hostName;
        private final ServerSpec spec;
        private final Tls tls;
        private final long delayMs;
        private boolean inTls;

        Session(String hostName, ServerSpec spec, Tls tls, Duration delay) {
            this.hostName = hostName;
            this.spec = spec;
            this.tls = tls;
            this.delayMs = delay.toMillis();
        }

        private void reply(ChannelHandlerContext ctx, String text) {
            reply(ctx, text, 0, false);
        }

        private void reply(ChannelHandlerContext ctx, String text, long extraMs, boolean close) {
            Runnable write = () -> {
                if (!ctx.channel().isActive()) {
                    return;
                }
                var f = ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
                if (close) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
            };
            long ms = delayMs + extraMs;
            if (ms <= 0) {
                write.run();
            } else {
                ctx.executor().schedule(write, ms, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            switch (spec.behavior()) {
                case SILENT -> {
                    // accept and say nothing, until the client gives up
                }
                case SLOW_BANNER -> reply(ctx, "220 " + hostName + " ESMTP slow mxray lab\r\n", SLOW_BANNER.toMillis(),
                        false);
                case BANNER_421 -> reply(ctx, "421 4.3.2 " + hostName + " service not available, closing\r\n", 0, true);
                case BANNER_554 -> reply(ctx, "554 5.3.2 " + hostName + " no SMTP service here\r\n");
                case MULTILINE -> reply(ctx, "220-" + hostName + " ESMTP mxray lab\r\n220-this greeting has\r\n"
                        + "220-several lines, as RFC 5321 allows\r\n220 ready\r\n");
                case HUGE_LINE -> {
                    ByteBuf line = Unpooled.buffer((1 << 20) + 8);
                    line.writeCharSequence("220 ", StandardCharsets.US_ASCII);
                    while (line.writableBytes() > 2) {
                        line.writeByte('x');
                    }
                    line.writeCharSequence("\r\n", StandardCharsets.US_ASCII);
                    ctx.writeAndFlush(line);
                }
                case CONTROL_BYTES -> reply(ctx, controlLines("220", 99, 2000) + "220 " + hostName + " ready\r\n");
                default -> reply(ctx, "220 " + hostName + " ESMTP mxray lab\r\n");
            }
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String verb = line.strip().split(" ", 2)[0].toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO" -> ehlo(ctx);
                case "HELO" -> reply(ctx, "250 " + hostName + "\r\n");
                case "STARTTLS" -> starttls(ctx);
                case "NOOP", "RSET" -> reply(ctx, "250 2.0.0 OK\r\n");
                case "QUIT" -> {
                    if (spec.behavior() != Behavior.QUIT_IGNORED || !inTls) {
                        reply(ctx, "221 2.0.0 Bye\r\n", 0, true);
                    } // else: never answers, never hangs up
                }
                case "MAIL", "RCPT", "DATA" -> reply(ctx, "554 5.7.1 the mxray lab accepts no mail\r\n");
                default -> reply(ctx, "500 5.5.2 command not recognized\r\n");
            }
        }

        private void ehlo(ChannelHandlerContext ctx) {
            if (spec.behavior() == Behavior.ENDLESS_REPLY) {
                endless(ctx, 0);
                return;
            }
            StringBuilder r = new StringBuilder();
            r.append("250-").append(hostName).append(" greets you\r\n");
            if (spec.behavior() == Behavior.CONTROL_BYTES) {
                r.append(controlLines("250", 20, 1500));
            }
            r.append("250-PIPELINING\r\n");
            r.append("250-SIZE 10240000\r\n");
            if (spec.behavior() == Behavior.MULTILINE) {
                r.append("250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-DSN\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n");
            }
            if (spec.starttls() && !inTls) {
                r.append("250-STARTTLS\r\n");
            }
            r.append("250 8BITMIME\r\n");
            reply(ctx, r.toString());
        }

        /** {@code n} continuation lines of {@code code}, each of {@code length} control bytes (no CR or LF). */
        private static String controlLines(String code, int n, int length) {
            StringBuilder b = new StringBuilder(n * (length + 6));
            for (int i = 0; i < n; i++) {
                b.append(code).append('-');
                for (int j = 0; j < length; j++) {
                    char c = (char) (1 + (i + j) % 31);
                    b.append(c == '\n' || c == '\r' ? '\u0001' : c);
                }
                b.append("\r\n");
            }
            return b.toString();
        }

        /** Reply lines that never end: 250-... for as long as the client listens. */
        private void endless(ChannelHandlerContext ctx, int sent) {
            if (!ctx.channel().isActive() || sent > 1_000_000) {
                return;
            }
            ctx.writeAndFlush(Unpooled.copiedBuffer("250-AND-ANOTHER-EXTENSION-" + sent + "\r\n",
                    StandardCharsets.US_ASCII)).addListener(f -> {
                        if (f.isSuccess()) {
                            ctx.executor().execute(() -> endless(ctx, sent + 1));
                        }
                    });
        }

        private void starttls(ChannelHandlerContext ctx) {
            if (!spec.starttls() || inTls) {
                reply(ctx, "502 5.5.1 STARTTLS not available\r\n");
                return;
            }
            String ready = "220 2.0.0 Ready to start TLS\r\n";
            switch (spec.behavior()) {
                case STARTTLS_454 -> reply(ctx, "454 4.7.0 TLS not available due to temporary reason\r\n");
                // the pipeline changes in the same event-loop task that writes the 220: the client
                // sends its ClientHello only after reading it, so nothing arrives in between
                case HANDSHAKE_GARBAGE -> later(ctx, () -> {
                    write(ctx, ready);
                    replaceWithRaw(ctx, true);
                });
                case CLOSE_MID_HANDSHAKE -> later(ctx, () -> {
                    write(ctx, ready);
                    replaceWithRaw(ctx, false);
                });
                default -> {
                    inTls = true;
                    later(ctx, () -> {
                        // startTls=true: this 220 leaves in the clear, everything after is TLS (RFC 3207)
                        ctx.pipeline().addFirst("tls", tls.handler(ctx.alloc()));
                        write(ctx, ready);
                    });
                }
            }
        }

        private void later(ChannelHandlerContext ctx, Runnable task) {
            if (delayMs > 0) {
                ctx.executor().schedule(task, delayMs, TimeUnit.MILLISECONDS);
            } else {
                task.run();
            }
        }

        private static void write(ChannelHandlerContext ctx, String text) {
            ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        }

        /** After STARTTLS: take the raw bytes (the ClientHello) and answer with garbage, or hang up. */
        private void replaceWithRaw(ChannelHandlerContext ctx, boolean garbage) {
            ctx.pipeline().remove("lines");
            ctx.pipeline().remove("text");
            ctx.pipeline().addBefore("session", "raw", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ((ByteBuf) msg).release();
                    if (garbage) {
                        c.writeAndFlush(Unpooled.copiedBuffer("this is not TLS, sorry\r\n".repeat(8),
                                StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
                    } else {
                        c.close();
                    }
                }
            });
            ctx.pipeline().remove("session");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a scanner that gives up mid-handshake is normal in the lab; nothing to report but the fact
            LOG.debug("lab SMTP {}: {}", hostName, cause.toString());
            ctx.close();
        }
    }
}
