package io.mxray.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;

/**
 * A resolver transport for thousands of queries in flight: a few long-lived UDP sockets, each
 * connected to the resolver, with queries multiplexed by random message ID and matched back by
 * ID and question; TCP (dnsjava's client) only for truncated answers. dnsjava's own UDP client
 * opens a socket per query, which measured here cost 0.45 ms of CPU per lookup, 40% of it in the
 * kernel; this costs a fraction of that.
 *
 * <p>Source ports are chosen by the kernel once per socket: against an on-path attacker, use a
 * resolver on a trusted network (the scanner validates DNSSEC itself either way).
 */
public final class UdpTransport implements Resolver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    /** How often the queries past their timeout are failed: the precision of timeouts. */
    private static final long SWEEP_MS = 50;
    private static final int MAX_UDP = 65535;
    static final int SOCKET_BUFFER = 4 << 20;

    private final InetSocketAddress server;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger errorsLogged = new AtomicInteger();
    private final SimpleResolver tcp;
    private volatile Duration timeout = Duration.ofSeconds(3);
    private volatile OPTRecord edns = new OPTRecord(1232, 0, 0, 0);
    private volatile QueryObserver observer = QueryObserver.NONE;

    /**
     * What the transport tells about its queries over UDP, for metrics (the DNS worker's
     * {@link DnsMetrics}); nothing by default, so that {@code mxray check} loads no metrics library.
     * Called on the sending thread and on the sockets' event loops: must be quick and thread-safe.
     */
    public interface QueryObserver {
        QueryObserver NONE = new QueryObserver() {
            @Override
            public void sent() {
            }

            @Override
            public void answered(long nanos) {
            }

            @Override
            public void timedOut() {
            }
        };

        /** A query went out. */
        void sent();

        /** A query's answer arrived after {@code nanos}. */
        void answered(long nanos);

        /** A query got no answer in time. */
        void timedOut();
    }

    /** Reports every query from now on to {@code observer}. */
    public void observe(QueryObserver observer) {
        this.observer = Objects.requireNonNull(observer);
    }

    /**
     * One connected socket, the queries waiting on it by message ID, and the same queries in the
     * order they were sent: with one timeout for all, that is the order they time out in, so one
     * periodic sweep replaces a timer per query.
     */
    private static final class Socket {
        final Channel channel;
        final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
        final Queue<Pending> sent = new ConcurrentLinkedQueue<>();
        private final SecureRandom random = idSource();
        private final byte[] idBytes = new byte[64];
        private int idNext = idBytes.length;
        /** The last socket error (ICMP port unreachable, say), for the timeouts' message. */
        volatile String lastError;

        Socket(Channel channel) {
            this.channel = channel;
        }

        /** A random message ID; the random bytes are drawn 32 IDs at a time. */
        synchronized int nextId() {
            if (idNext >= idBytes.length) {
                random.nextBytes(idBytes);
                idNext = 0;
            }
            int id = ((idBytes[idNext] & 0xff) << 8) | (idBytes[idNext + 1] & 0xff);
            idNext += 2;
            return id;
        }
    }

    private record Pending(int id, Message query, CompletableFuture<Message> result, long sentAt, long deadline) {
    }

    /** Unpredictable message IDs without a system call per query (the platform default may read /dev/urandom). */
    private static SecureRandom idSource() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    public UdpTransport(InetSocketAddress server, int sockets) {
        this(server, sockets, new MultiThreadIoEventLoopGroup(Math.min(sockets,
                Runtime.getRuntime().availableProcessors()), new DefaultThreadFactory("mxray-dns", true),
                NioIoHandler.newFactory()), true);
    }

    public UdpTransport(InetSocketAddress server, int socketCount, EventLoopGroup group, boolean ownsGroup) {
        this.server = server;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.tcp = new SimpleResolver(server);
        this.tcp.setTCP(true);
        for (int i = 0; i < socketCount; i++) {
            Socket[] holder = new Socket[1];
            Channel ch = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP))
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                            received(holder[0], ByteBufUtil.getBytes(packet.content()));
                        }

                        /**
                         * Nothing listens at the resolver's address (ICMP port unreachable), or
                         * another socket error: said once, in a line, and remembered for the
                         * timeouts' message; the socket stays open (a resolver may come back).
                         */
                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            socketError(holder[0], cause);
                        }
                    })
                    .connect(server).syncUninterruptibly().channel();
            holder[0] = new Socket(ch);
            sockets.add(holder[0]);
            Socket sock = holder[0];
            ch.eventLoop().scheduleAtFixedRate(() -> sweep(sock), SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Fails the queries whose time is up. */
    private void sweep(Socket socket) {
        long now = System.nanoTime();
        Pending p;
        while ((p = socket.sent.peek()) != null && now - p.deadline() >= 0) {
            socket.sent.poll();
            if (socket.pending.remove(p.id(), p)) {
                observer.timedOut();
                String error = socket.lastError;
                p.result().completeExceptionally(new SocketTimeoutException("no answer from " + server + " in "
                        + timeout.toMillis() + " ms" + (error == null ? "" : " (" + error + ")")));
            }
        }
    }

    private void socketError(Socket socket, Throwable cause) {
        String error = cause instanceof PortUnreachableException
                ? "port unreachable: nothing listens there" : cause.toString();
        if (socket != null) {
            socket.lastError = error;
        }
        if (errorsLogged.getAndIncrement() == 0) {
            LOG.warn("DNS resolver {}: {}; its queries time out", server, error);
        } else {
            LOG.debug("DNS resolver {}: {}", server, error);
        }
    }

    /**
     * A socket served by the calling thread's event loop when there is one: the answer to one query
     * often sends the next, and staying on the loop saves a hand-off (a wake-up) per query.
     */
    private Socket pick() {
        int n = sockets.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Socket s = sockets.get((start + i) % n);
            if (s.channel.eventLoop().inEventLoop()) {
                return s;
            }
        }
        return sockets.get(start);
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        return transmit(query);
    }

    /**
     * Answers complete on the socket's event loop whatever executor is given: a hand-off per
     * answer to another pool cost more than the work that follows (measured).
     */
    @Override
    public CompletionStage<Message> sendAsync(Message query, Executor executor) {
        return transmit(query);
    }

    private CompletableFuture<Message> transmit(Message original) {
        Message query = original.clone();
        if (query.getOPT() == null && edns != null) {
            query.addRecord(edns, Section.ADDITIONAL);
        }
        Socket socket = pick();
        CompletableFuture<Message> result = new CompletableFuture<>();
        int id = -1;
        for (int tries = 0; tries < 64 && id < 0; tries++) {
            int candidate = socket.nextId();
            if (!socket.pending.containsKey(candidate)) {
                id = candidate;
            }
        }
        if (id < 0) {
            result.completeExceptionally(new IOException("no free DNS message ID"));
            return result;
        }
        query.getHeader().setID(id);
        final int qid = id;
        long now = System.nanoTime();
        Pending p = new Pending(qid, query, result, now, now + timeout.toNanos());
        if (socket.pending.putIfAbsent(qid, p) != null) {
            result.completeExceptionally(new IOException("no free DNS message ID"));
            return result;
        }
        socket.sent.add(p);
        observer.sent();
        byte[] wire = query.toWire(MAX_UDP);
        socket.channel.writeAndFlush(Unpooled.wrappedBuffer(wire)).addListener(f -> {
            if (!f.isSuccess() && socket.pending.remove(qid, p)) {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    private void received(Socket socket, byte[] wire) {
        if (wire.length < 12) {
            return;
        }
        int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
        Pending p = socket.pending.get(id);
        if (p == null) {
            return; // late, duplicate or unsolicited: ignored
        }
        Message response;
        try {
            response = new Message(wire);
        } catch (IOException e) {
            // a malformed answer to our question: a failure of this query, not of the transport
            if (socket.pending.remove(id, p)) {
                p.result().completeExceptionally(new org.xbill.DNS.WireParseException("malformed answer: "
                        + e.getMessage()));
            }
            return;
        }
        Record q = p.query().getQuestion();
        Record rq = response.getQuestion();
        if (rq == null || q == null || !q.getName().equals(rq.getName()) || q.getType() != rq.getType()
                || q.getDClass() != rq.getDClass()) {
            LOG.debug("answer with ID {} does not match its question: ignored", id);
            return; // not the answer to this question: keep waiting (RFC 5452)
        }
        if (!socket.pending.remove(id, p)) {
            return;
        }
        observer.answered(System.nanoTime() - p.sentAt());
        if (socket.lastError != null) {
            socket.lastError = null; // it answers (again); read first: no write per answer on the hot path
        }
        if (response.getHeader().getFlag(Flags.TC)) {
            tcp.sendAsync(p.query()).whenComplete((m, e) -> {
                if (e != null) {
                    p.result().completeExceptionally(e);
                } else {
                    p.result().complete(m);
                }
            });
            return;
        }
        // completed on this socket's event loop: a hand-off per answer cost more (thread wake-ups)
        // than the work that follows; sockets are spread over the loops to use every core
        p.result().complete(response);
    }

    public int inFlight() {
        return sockets.stream().mapToInt(s -> s.pending.size()).sum();
    }

    @Override
    public void setPort(int port) {
        throw new UnsupportedOperationException("the server address is fixed at construction");
    }

    @Override
    public void setTCP(boolean flag) {
        // UDP with TCP for truncated answers: the only sensible mode for a scanner
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
        // truncated answers are always retried over TCP
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        edns = version < 0 ? null : new OPTRecord(payloadSize > 0 ? payloadSize : 1232, 0, version, flags,
                options == null ? List.of() : options);
        tcp.setEDNS(version, payloadSize > 0 ? payloadSize : 1232, flags, options);
    }

    @Override
    public void setTSIGKey(TSIG key) {
        throw new UnsupportedOperationException("TSIG is not used by mxray");
    }

    @Override
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
        tcp.setTimeout(timeout);
    }

    @Override
    public Duration getTimeout() {
        return timeout;
    }

    @Override
    public void close() {
        for (Socket s : sockets) {
            s.channel.close();
            s.pending.values().forEach(p -> p.result().completeExceptionally(new IOException("transport closed")));
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
