package io.mxray.lab;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Serves a {@link LabAuthority} over UDP and TCP on one address and port. UDP answers larger than
 * the client's EDNS0 size are truncated (TC) so that the client retries over TCP. Answers are
 * computed on the event loop and sent after the injected latency, which the event loop
 * schedules: no thread waits.
 */
public final class LabDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabDnsServer.class);
    /** Linux caps it at net.core.rmem_max (4 MB here). */
    static final int UDP_BUFFER = 4 << 20;

    private final LabAuthority authority;
    private final Channel udp;
    private final Channel tcp;
    private final InetSocketAddress address;
    private final Responder responder;
    /** The event loop this server was given to itself ({@link #startOnOwnLoop}), closed with it; else null. */
    private EventLoopGroup own;

    private LabDnsServer(LabAuthority authority, Channel udp, Channel tcp, InetSocketAddress address,
                         Responder responder) {
        this.authority = authority;
        this.udp = udp;
        this.tcp = tcp;
        this.address = address;
        this.responder = responder;
    }

    /** From now on, answers as {@code mode} says (a broken resolver, for tests of what mxray does then). */
    public void mode(ResolverMode mode) {
        responder.mode = Objects.requireNonNull(mode);
    }

    /**
     * On an event loop of its own: the lab's TLS servers (handshakes, a TLS context per new SNI name)
     * then never hold an answer back, as a resolver on another machine is not held back by the
     * mail servers it points to.
     */
    public static LabDnsServer startOnOwnLoop(LabAuthority authority, InetSocketAddress bind, Duration delay) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lab-dns", true),
                NioIoHandler.newFactory());
        try {
            LabDnsServer server = start(authority, bind, delay, group);
            server.own = group;
            return server;
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public static LabDnsServer start(LabAuthority authority, InetSocketAddress bind, EventLoopGroup group) {
        return start(authority, bind, Duration.ZERO, group);
    }

    public static LabDnsServer start(LabAuthority authority, InetSocketAddress bind, Duration delay,
                                     EventLoopGroup group) {
        Responder responder = new Responder(authority, delay.toMillis());
        Channel tcp = null;
        try {
            tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2),
                                    new LengthFieldPrepender(2), new TcpHandler(responder));
                        }
                    }).bind(bind).syncUninterruptibly().channel();
            InetSocketAddress bound = (InetSocketAddress) tcp.localAddress();
            // a scanner sends thousands of queries at once; the kernel counts about 1 KB per datagram
            // against the receive buffer, so the default 208 KB drops bursts (as a real resolver's would)
            Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, UDP_BUFFER).option(ChannelOption.SO_SNDBUF, UDP_BUFFER)
                    .handler(new UdpHandler(responder)).bind(bound).syncUninterruptibly().channel();
            return new LabDnsServer(authority, udp, tcp, bound, responder);
        } catch (RuntimeException e) {
            if (tcp != null) {
                tcp.close().syncUninterruptibly();
            }
            throw e;
        }
    }

    public InetSocketAddress address() {
        return address;
    }

    public LabAuthority authority() {
        return authority;
    }

    @Override
    public void close() {
        udp.close().syncUninterruptibly();
        tcp.close().syncUninterruptibly();
        if (own != null) {
            own.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Answers a query on the event loop and sends the answer after the injected delay. All
     * answers wait the same delay, so a FIFO queue per event loop holds them in the order they are
     * due and one timer task drains it: no timer, and no thread hand-off, per answer. (Signatures
     * are all made when the lab starts, so an answer is cheap to compute.)
     */
    private static final class Responder {
        private final LabAuthority authority;
        private final long delayNanos;
        volatile ResolverMode mode = ResolverMode.HONEST;
        private final Map<EventExecutor, DelayLine> lines =
                new ConcurrentHashMap<>();

        Responder(LabAuthority authority, long delayMs) {
            this.authority = authority;
            this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMs);
        }

        /** Called on the channel's event loop. */
        void respond(ChannelHandlerContext ctx, byte[] query, boolean overUdp, Consumer<byte[]> send) {
            long due = System.nanoTime() + delayNanos;
            byte[] wire;
            ResolverMode m = mode;
            if (m == ResolverMode.SILENT) {
                return;
            }
            try {
                Message q = new Message(query);
                Message a = broken(m, q, authority.answer(q));
                wire = overUdp ? a.toWire(LabAuthority.maxUdpSize(q)) : a.toWire();
            } catch (IOException | RuntimeException e) {
                LOG.debug("lab DNS: unreadable query: {}", e.toString());
                if (!overUdp) {
                    ctx.close();
                }
                return;
            }
            if (delayNanos == 0) {
                send.accept(wire);
            } else {
                lines.computeIfAbsent(ctx.executor(), DelayLine::new).add(due, () -> send.accept(wire));
            }
        }
    }

    /** What a broken resolver makes of the zones' answer. */
    static Message broken(ResolverMode mode, Message query, Message honest) {
        switch (mode) {
            case NXDOMAIN_ALL, SERVFAIL_ALL -> {
                Message m = new Message(query.getHeader().getID());
                m.getHeader().setFlag(Flags.QR);
                m.getHeader().setFlag(Flags.RA);
                m.getHeader().setRcode(mode == ResolverMode.NXDOMAIN_ALL ? Rcode.NXDOMAIN
                        : Rcode.SERVFAIL);
                if (query.getQuestion() != null) {
                    m.addRecord(query.getQuestion(), Section.QUESTION);
                }
                return m;
            }
            case STRIP_DNSSEC -> {
                for (int section : new int[] {Section.ANSWER, Section.AUTHORITY,
                        Section.ADDITIONAL}) {
                    for (Record r : new ArrayList<>(honest.getSection(section))) {
                        int t = r.getType();
                        if (t == Type.RRSIG || t == Type.NSEC || t == Type.NSEC3) {
                            honest.removeRecord(r, section);
                        }
                    }
                }
                return honest;
            }
            default -> {
                return honest;
            }
        }
    }

    /** Tasks due in the order they were added, run by one timer at a time on one event loop. */
    private static final class DelayLine {
        private record Due(long at, Runnable task) {
        }

        private final EventExecutor loop;
        private final ArrayDeque<Due> queue = new ArrayDeque<>();
        private boolean armed;

        DelayLine(EventExecutor loop) {
            this.loop = loop;
        }

        /** On the loop only. */
        void add(long at, Runnable task) {
            queue.add(new Due(at, task));
            if (!armed) {
                armed = true;
                loop.schedule(this::drain, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }

        private void drain() {
            long now = System.nanoTime();
            Due d;
            while ((d = queue.peek()) != null && now - d.at() >= 0) {
                queue.poll();
                try {
                    d.task().run();
                } catch (RuntimeException e) {
                    LOG.debug("lab DNS: sending an answer failed: {}", e.toString());
                }
            }
            if (d == null) {
                armed = false;
            } else {
                loop.schedule(this::drain, d.at() - now, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Responder responder;

        UdpHandler(Responder responder) {
            this.responder = responder;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender();
            responder.respond(ctx, ByteBufUtil.getBytes(packet.content()), true,
                    wire -> ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(wire), sender)));
        }
    }

    private static final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final Responder responder;

        TcpHandler(Responder responder) {
            this.responder = responder;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            responder.respond(ctx, ByteBufUtil.getBytes(frame), false,
                    wire -> ctx.writeAndFlush(Unpooled.wrappedBuffer(wire)));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("lab DNS: TCP connection error: {}", cause.toString());
            ctx.close();
        }
    }
}
