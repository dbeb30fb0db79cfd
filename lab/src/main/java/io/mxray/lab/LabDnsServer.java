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
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * Serves a {@link LabAuthority} over UDP and TCP on one address and port. UDP answers larger than
 * the client's EDNS0 size are truncated (TC) so that the client retries over TCP. Answers are
 * computed off the I/O threads (signing on first use costs CPU) and sent after the injected
 * latency, which the event loop schedules: no thread waits.
 */
public final class LabDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabDnsServer.class);
    /** Linux caps it at net.core.rmem_max (4 MB here). */
    static final int UDP_BUFFER = 4 << 20;

    private final LabAuthority authority;
    private final Channel udp;
    private final Channel tcp;
    private final InetSocketAddress address;
    private final ExecutorService answering;

    private LabDnsServer(LabAuthority authority, Channel udp, Channel tcp, InetSocketAddress address,
                         ExecutorService answering) {
        this.authority = authority;
        this.udp = udp;
        this.tcp = tcp;
        this.address = address;
        this.answering = answering;
    }

    public static LabDnsServer start(LabAuthority authority, InetSocketAddress bind, EventLoopGroup group) {
        return start(authority, bind, Duration.ZERO, group);
    }

    public static LabDnsServer start(LabAuthority authority, InetSocketAddress bind, Duration delay,
                                     EventLoopGroup group) {
        ExecutorService answering = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "lab-dns-answer");
            t.setDaemon(true);
            return t;
        });
        Responder responder = new Responder(authority, answering, delay.toMillis());
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
            return new LabDnsServer(authority, udp, tcp, bound, answering);
        } catch (RuntimeException e) {
            if (tcp != null) {
                tcp.close().syncUninterruptibly();
            }
            answering.shutdownNow();
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
        answering.shutdownNow();
    }

    /**
     * Computes an answer on the answering pool, then sends it from the event loop after the delay.
     * The lab's zones never change, so an answer is computed once per (question, flags, EDNS
     * size, transport) and then served from its wire form with the query's ID: a scan asks the
     * same questions of the root and the TLDs thousands of times.
     */
    private record Responder(LabAuthority authority, ExecutorService pool, long delayMs,
                             java.util.Map<String, byte[]> answers) {
        Responder(LabAuthority authority, ExecutorService pool, long delayMs) {
            this(authority, pool, delayMs, new java.util.concurrent.ConcurrentHashMap<>());
        }

        void respond(ChannelHandlerContext ctx, byte[] query, boolean overUdp, Consumer<byte[]> send) {
            pool.execute(() -> {
                byte[] wire;
                try {
                    Message q = new Message(query);
                    String key = key(q, overUdp);
                    byte[] cached = key == null ? null : answers.get(key);
                    if (cached != null) {
                        authority.count();
                        wire = cached.clone();
                    } else {
                        Message a = authority.answer(q);
                        wire = overUdp ? a.toWire(LabAuthority.maxUdpSize(q)) : a.toWire();
                        if (key != null && answers.size() < MAX_CACHED) {
                            answers.put(key, wire.clone());
                        }
                    }
                    wire[0] = query[0]; // the query's ID
                    wire[1] = query[1];
                } catch (IOException | RuntimeException e) {
                    LOG.debug("lab DNS: unreadable query: {}", e.toString());
                    if (!overUdp) {
                        ctx.executor().execute(ctx::close);
                    }
                    return;
                }
                if (delayMs > 0) {
                    ctx.executor().schedule(() -> send.accept(wire), delayMs, TimeUnit.MILLISECONDS);
                } else {
                    ctx.executor().execute(() -> send.accept(wire));
                }
            });
        }
    }

    private static final int MAX_CACHED = 1_000_000;

    /** What makes two queries get the same answer bytes (the ID aside). */
    private static String key(Message q, boolean overUdp) {
        var question = q.getQuestion();
        if (question == null || q.getHeader().getOpcode() != 0) {
            return null;
        }
        var opt = q.getOPT();
        return question.getName() + "/" + question.getType() + "/" + question.getDClass() + "/"
                + q.getHeader().getFlag(org.xbill.DNS.Flags.RD) + q.getHeader().getFlag(org.xbill.DNS.Flags.CD) + "/"
                + (opt == null ? "-" : opt.getFlags() + ":" + LabAuthority.maxUdpSize(q)) + "/" + overUdp;
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
