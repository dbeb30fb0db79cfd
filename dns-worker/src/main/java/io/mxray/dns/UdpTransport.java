package io.mxray.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.xbill.DNS.WireParseException;

/**
 * A resolver transport for thousands of queries in flight: every query goes out from a socket of
 * its own, bound to a source port drawn at random from 1024-65535 and connected to the resolver,
 * closed when its answer arrives or its time is up; TCP (dnsjava's client) only for truncated
 * answers. With a random message ID as well, an off-path attacker must guess 32 bits per query
 * (RFC 5452 section 9.2, RFC 6056), and no long-lived port can be learnt from side channels.
 * Answers are matched by ID and question; anything else that arrives is ignored. No thread waits:
 * sockets live on a few Netty event loops, and a periodic sweep fails the queries whose time is
 * up; it runs only while queries are out, so that an idle worker's event loops sleep. A socket is
 * held per query in flight: the process needs that many file descriptors.
 */
public final class UdpTransport implements Resolver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);
    /** How often the queries past their timeout are failed: the precision of timeouts. */
    private static final long SWEEP_MS = 50;
    private static final int MAX_UDP = 65535;
    /** RFC 6056 section 2.1: the ephemeral range is all ports above the well-known ones. */
    static final int LOWEST_PORT = 1024;
    /** Source ports tried for one query when the one drawn is taken. */
    private static final int BIND_ATTEMPTS = 16;

    private final InetSocketAddress server;
    private final InetAddress anyLocal;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Queue<Pending> sent = new ConcurrentLinkedQueue<>();
    private final Set<Pending> open = ConcurrentHashMap.newKeySet();
    private final RandomBits random = new RandomBits();
    private final AtomicInteger errorsLogged = new AtomicInteger();
    private final AtomicInteger sendErrorsLogged = new AtomicInteger();
    private final SimpleResolver tcp;
    /** What every query's socket is made from: no reflection per socket. */
    private final Bootstrap template = new Bootstrap().channelFactory(NioDatagramChannel::new)
            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP));
    /** Whether a sweep is scheduled: one chain of them at most, while queries are out. */
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private volatile ScheduledFuture<?> sweeper;
    private volatile boolean closed;
    private volatile Duration timeout = Duration.ofSeconds(3);
    private volatile OPTRecord edns = new OPTRecord(1232, 0, 0, 0);
    private volatile QueryObserver observer = QueryObserver.NONE;
    private volatile String lastError;

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

    /** Unpredictable message IDs and ports without a system call each (the platform default may read /dev/urandom). */
    private static final class RandomBits {
        private final SecureRandom random = source();
        private final byte[] bytes = new byte[256];
        private int next = bytes.length;

        synchronized int next16() {
            if (next >= bytes.length) {
                random.nextBytes(bytes);
                next = 0;
            }
            int v = ((bytes[next] & 0xff) << 8) | (bytes[next + 1] & 0xff);
            next += 2;
            return v;
        }

        /** A port in [1024, 65535], uniformly. */
        int port() {
            int span = 65536 - LOWEST_PORT;
            while (true) {
                int v = next16();
                if (v < 65536 - 65536 % span) {
                    return LOWEST_PORT + v % span;
                }
            }
        }

        private static SecureRandom source() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        }
    }

    /** One query: its socket, once bound, and how it ends. */
    private static final class Pending {
        final int id;
        final Message query;
        final byte[] wire;
        final CompletableFuture<Message> result = new CompletableFuture<>();
        final long sentAt;
        final long deadline;
        volatile Channel channel;
        /** A socket error seen (ICMP port unreachable, say), for the timeout's message. */
        volatile String error;

        Pending(int id, Message query, byte[] wire, long sentAt, long deadline) {
            this.id = id;
            this.query = query;
            this.wire = wire;
            this.sentAt = sentAt;
            this.deadline = deadline;
        }
    }

    /**
     * @param ioThreads event loops the sockets are spread over (at most the number of cores)
     */
    public UdpTransport(InetSocketAddress server, int ioThreads) {
        this(server, new MultiThreadIoEventLoopGroup(Math.max(1, Math.min(ioThreads,
                Runtime.getRuntime().availableProcessors())), new DefaultThreadFactory("mxray-dns", true),
                NioIoHandler.newFactory()), true);
    }

    public UdpTransport(InetSocketAddress server, EventLoopGroup group, boolean ownsGroup) {
        this.server = server;
        this.group = group;
        this.ownsGroup = ownsGroup;
        try {
            this.anyLocal = server.getAddress() instanceof Inet6Address
                    ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        this.tcp = new SimpleResolver(server);
        this.tcp.setTCP(true);
    }

    /** Whether a sweep is scheduled (for tests). */
    boolean sweeping() {
        return sweeping.get();
    }

    /** Schedules a sweep unless one is. */
    private void sweepSoon() {
        if (sweeping.compareAndSet(false, true)) {
            scheduleSweep();
        }
    }

    private void scheduleSweep() {
        if (!closed) {
            try {
                sweeper = group.next().schedule(this::sweep, SWEEP_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                sweeping.set(false); // the event loops are shutting down: the transport is closing
            }
        }
    }

    /** Fails the queries whose time is up, and closes their sockets; again in a while if queries are out. */
    private void sweep() {
        try {
            failExpired();
        } finally {
            sweeping.set(false);
            if (!sent.isEmpty() && sweeping.compareAndSet(false, true)) {
                scheduleSweep();
            }
        }
    }

    private void failExpired() {
        long now = System.nanoTime();
        Pending p;
        while ((p = sent.peek()) != null && now - p.deadline >= 0) {
            sent.poll();
            if (finish(p)) {
                observer.timedOut();
                String error = p.error != null ? p.error : lastError;
                p.result.completeExceptionally(new SocketTimeoutException("no answer from " + server + " in "
                        + timeout.toMillis() + " ms" + (error == null ? "" : " (" + error + ")")));
            }
        }
    }

    /** Ends a query's life in the transport once: true for the caller that did. */
    private boolean finish(Pending p) {
        if (!open.remove(p)) {
            return false;
        }
        Channel ch = p.channel;
        if (ch != null) {
            ch.close();
        }
        return true;
    }

    /** A query that could not go out at all (no socket, no port, the send failed): said once, then at debug. */
    private void sendError(Throwable cause) {
        if (sendErrorsLogged.getAndIncrement() == 0) {
            LOG.warn("DNS query to {} could not be sent: {}", server, cause.toString());
        } else {
            LOG.debug("DNS query to {} could not be sent: {}", server, cause.toString());
        }
    }

    private void socketError(Pending p, Throwable cause) {
        String error = cause instanceof PortUnreachableException
                ? "port unreachable: nothing listens there" : cause.toString();
        p.error = error;
        lastError = error;
        if (errorsLogged.getAndIncrement() == 0) {
            LOG.warn("DNS resolver {}: {}; its queries time out", server, error);
        } else {
            LOG.debug("DNS resolver {}: {}", server, error);
        }
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
        int id = random.next16();
        query.getHeader().setID(id);
        long now = System.nanoTime();
        Pending p = new Pending(id, query, query.toWire(MAX_UDP), now, now + timeout.toNanos());
        open.add(p);
        sent.add(p);
        sweepSoon();
        observer.sent();
        // the calling thread's loop when it is one of ours: an answer often sends the next query
        EventLoop loop = group.next();
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                loop = (EventLoop) e;
                break;
            }
        }
        bindAndSend(p, loop, 1);
        return p.result;
    }

    /** A socket on a random port for {@code p}, connected to the resolver; another port if that one is taken. */
    private void bindAndSend(Pending p, EventLoop loop, int attempt) {
        if (p.result.isDone()) {
            return;
        }
        template.clone(loop).handler(new Answers(p))
                .connect(server, new InetSocketAddress(anyLocal, random.port()))
                .addListener((ChannelFuture f) -> {
                    if (!f.isSuccess()) {
                        f.channel().close();
                        if (portTaken(f.cause()) && attempt < BIND_ATTEMPTS) {
                            bindAndSend(p, loop, attempt + 1); // the port drawn is in use: draw another
                        } else if (finish(p)) {
                            sendError(f.cause());
                            p.result.completeExceptionally(f.cause());
                        }
                        return;
                    }
                    p.channel = f.channel();
                    if (!open.contains(p)) {
                        f.channel().close(); // timed out or closed meanwhile
                        return;
                    }
                    f.channel().writeAndFlush(Unpooled.wrappedBuffer(p.wire)).addListener(w -> {
                        if (!w.isSuccess() && finish(p)) {
                            sendError(w.cause());
                            p.result.completeExceptionally(w.cause());
                        }
                    });
                });
    }

    /** The port drawn is in use (Netty wraps the bind's error in one that names the remote address). */
    private static boolean portTaken(Throwable e) {
        return e instanceof BindException || e != null && e.getCause() instanceof BindException;
    }

    /** What arrives on one query's socket. */
    private final class Answers extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Pending p;

        Answers(Pending p) {
            this.p = p;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            received(p, ByteBufUtil.getBytes(packet.content()));
        }

        /**
         * Nothing listens at the resolver's address (ICMP port unreachable), or another socket
         * error: said once, in a line, and remembered for the timeout's message. The query keeps
         * waiting: an ICMP message is as easy to forge as an answer.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            socketError(p, cause);
        }
    }

    private void received(Pending p, byte[] wire) {
        if (wire.length < 12) {
            return;
        }
        int id = ((wire[0] & 0xff) << 8) | (wire[1] & 0xff);
        if (id != p.id || p.result.isDone()) {
            return; // late, duplicate or forged: ignored (RFC 5452 section 9.1)
        }
        Message response;
        try {
            response = new Message(wire);
        } catch (IOException e) {
            // a malformed answer to our question: a failure of this query, not of the transport
            if (finish(p)) {
                p.result.completeExceptionally(new WireParseException("malformed answer: "
                        + e.getMessage()));
            }
            return;
        }
        Record q = p.query.getQuestion();
        Record rq = response.getQuestion();
        if (rq == null || q == null || !q.getName().equals(rq.getName()) || q.getType() != rq.getType()
                || q.getDClass() != rq.getDClass()) {
            LOG.debug("answer with ID {} does not match its question: ignored", id);
            return; // not the answer to this question: keep waiting (RFC 5452)
        }
        if (!finish(p)) {
            return;
        }
        observer.answered(System.nanoTime() - p.sentAt);
        if (lastError != null) {
            lastError = null; // it answers (again); read first: no write per answer on the hot path
        }
        if (response.getHeader().getFlag(Flags.TC)) {
            tcp.sendAsync(p.query).whenComplete((m, e) -> {
                if (e != null) {
                    p.result.completeExceptionally(e);
                } else {
                    p.result.complete(m);
                }
            });
            return;
        }
        // completed on this socket's event loop: a hand-off per answer cost more (thread wake-ups)
        // than the work that follows
        p.result.complete(response);
    }

    /** Queries waiting for their answer (each holds a socket). */
    public int inFlight() {
        return open.size();
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
        closed = true;
        ScheduledFuture<?> s = sweeper;
        if (s != null) {
            s.cancel(false);
        }
        for (Pending p : List.copyOf(open)) {
            if (finish(p)) {
                p.result.completeExceptionally(new IOException("transport closed"));
            }
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
