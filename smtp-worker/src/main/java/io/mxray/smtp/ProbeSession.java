package io.mxray.smtp;

import io.mxray.runtime.TlsFailures;
import io.mxray.schema.ProbeOutcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The client side of one probe, as a state machine driven by decoded replies: greeting, EHLO
 * (HELO if EHLO is refused), STARTTLS when offered, the TLS handshake, QUIT. It never sends
 * MAIL FROM. The outcome is decided once; what was gathered before stays in the record even
 * when a later step fails.
 */
final class ProbeSession extends ChannelDuplexHandler {
    enum Step { BANNER, EHLO, HELO, STARTTLS, HANDSHAKE, QUIT, DONE }

    /** What the session learned; read after {@link #onDecided} fired. */
    static final class Record {
        volatile ProbeOutcome outcome;
        volatile String reason;
        volatile Step failedAt;
        final List<String> banner = new ArrayList<>();
        List<String> ehlo = List.of();
        String protocol;
        String cipher;
        String group;
        List<X509Certificate> chain = List.of();
        long startNanos;
        Long connectMs;
        Long bannerMs;
        Long ehloMs;
        Long starttlsMs;
        Long handshakeMs;
    }

    private final Record record;
    private final SmtpConfig config;
    private final String sniHost;
    private final Supplier<SSLEngine> engineFactory;
    private final Consumer<Record> onDecided;
    private final HandshakeSniffer sniffer = new HandshakeSniffer();
    private Step step = Step.BANNER;
    private long stepStart;
    private boolean decided;

    ProbeSession(Record record, SmtpConfig config, String sniHost, Supplier<SSLEngine> engineFactory,
                 Consumer<Record> onDecided) {
        this.record = record;
        this.config = config;
        this.sniHost = sniHost;
        this.engineFactory = engineFactory;
        this.onDecided = onDecided;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        record.connectMs = millis(record.startNanos, now);
        stepStart = now;
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof SmtpReply reply)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = System.nanoTime();
        switch (step) {
            case BANNER -> {
                record.bannerMs = millis(stepStart, now);
                record.banner.addAll(reply.wireLines());
                if (reply.code() != 220) {
                    decide(ProbeOutcome.REJECTED, "greeting-" + reply.code());
                    quit(ctx);
                    return;
                }
                send(ctx, "EHLO " + config.ehloName(), Step.EHLO);
            }
            case EHLO -> {
                record.ehloMs = millis(stepStart, now);
                if (reply.code() != 250) {
                    // RFC 5321 section 4.1.1.1: fall back to HELO, which cannot offer STARTTLS
                    send(ctx, "HELO " + config.ehloName(), Step.HELO);
                    return;
                }
                EhloKeywords keywords = EhloKeywords.parse(reply);
                record.ehlo = keywords.keywords();
                if (keywords.offersStarttls()) {
                    send(ctx, "STARTTLS", Step.STARTTLS);
                } else {
                    decide(ProbeOutcome.NO_STARTTLS, null);
                    quit(ctx);
                }
            }
            case HELO -> {
                if (reply.code() == 250) {
                    decide(ProbeOutcome.NO_STARTTLS, "helo-only");
                } else {
                    decide(ProbeOutcome.EHLO_FAILED, "helo-" + reply.code());
                }
                quit(ctx);
            }
            case STARTTLS -> {
                record.starttlsMs = millis(stepStart, now);
                if (reply.code() != 220) {
                    decide(ProbeOutcome.STARTTLS_REFUSED, "starttls-" + reply.code());
                    quit(ctx);
                    return;
                }
                startTls(ctx);
            }
            case QUIT -> {
                step = Step.DONE;
                ctx.close();
            }
            default -> {
                // a reply nobody asked for (HANDSHAKE, DONE): ignore it
            }
        }
    }

    private void startTls(ChannelHandlerContext ctx) {
        step = Step.HANDSHAKE;
        stepStart = System.nanoTime();
        SSLEngine engine = engineFactory.get();
        SslHandler tls = new SslHandler(engine);
        tls.setHandshakeTimeout(config.stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
        // after the byte counter, before the line decoder: everything from here on is TLS; the
        // sniffer sees the server's handshake bytes before the engine does
        ctx.pipeline().addAfter(ByteBudget.NAME, HandshakeSniffer.NAME, sniffer);
        ctx.pipeline().addAfter(HandshakeSniffer.NAME, "tls", tls);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && step == Step.HANDSHAKE) {
            record.handshakeMs = millis(stepStart, System.nanoTime());
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (done.isSuccess()) {
                SSLSession session = tls.engine().getSession();
                record.protocol = session.getProtocol();
                record.cipher = session.getCipherSuite();
                record.group = sniffer.group(record.cipher);
                record.chain = chainOf(session, config.maxChain());
                decide(ProbeOutcome.TLS_ESTABLISHED, null);
                // RFC 3207: the session starts over; QUIT politely inside TLS, and hang up soon either way
                quit(ctx);
            } else {
                decide(ProbeOutcome.HANDSHAKE_FAILED, failureReason(done.cause()));
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private static List<X509Certificate> chainOf(SSLSession session, int max) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x && chain.size() < max) {
                    chain.add(x);
                }
            }
            return chain;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (step == Step.HANDSHAKE && (cause instanceof SSLException || cause.getCause() instanceof SSLException)) {
            // the handshake completion event follows and records the failure
            ctx.close();
            return;
        }
        if (cause instanceof ReadTimeoutException) {
            fail(ProbeOutcome.TIMEOUT, step.name().toLowerCase(Locale.ROOT) + "-timeout");
        } else if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException
                || cause instanceof ByteBudget.ExceededException) {
            fail(ProbeOutcome.PROTOCOL_ERROR, protocolReason(cause));
        } else if (cause instanceof DecoderException d && d.getCause() instanceof SSLException s) {
            fail(ProbeOutcome.HANDSHAKE_FAILED, failureReason(s));
        } else if (cause instanceof IOException) {
            fail(ProbeOutcome.NETWORK_ERROR, "io-" + step.name().toLowerCase(Locale.ROOT));
        } else {
            fail(ProbeOutcome.PROTOCOL_ERROR, "unexpected-" + cause.getClass().getSimpleName());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!decided) {
            switch (step) {
                case BANNER -> decide(ProbeOutcome.NETWORK_ERROR, "closed-before-greeting");
                case EHLO, HELO -> decide(ProbeOutcome.NETWORK_ERROR, "closed-after-greeting");
                case STARTTLS -> decide(ProbeOutcome.HANDSHAKE_FAILED, "closed-after-starttls");
                case HANDSHAKE -> decide(ProbeOutcome.HANDSHAKE_FAILED, "closed-during-handshake");
                default -> decide(ProbeOutcome.NETWORK_ERROR, "closed");
            }
        }
        ctx.fireChannelInactive();
    }

    /** A timeout or error: the outcome depends on how far the session got. */
    private void fail(ProbeOutcome outcome, String reason) {
        if (decided) {
            return;
        }
        record.failedAt = step;
        if (outcome == ProbeOutcome.TIMEOUT && step == Step.BANNER) {
            decide(ProbeOutcome.BANNER_TIMEOUT, null);
        } else if (outcome == ProbeOutcome.TIMEOUT && (step == Step.STARTTLS || step == Step.HANDSHAKE)) {
            decide(ProbeOutcome.HANDSHAKE_FAILED, reason);
        } else {
            decide(outcome, reason);
        }
    }

    /** Called by the stage when the probe's overall deadline passes. */
    void deadline() {
        fail(ProbeOutcome.TIMEOUT, "probe-deadline-" + step.name().toLowerCase(Locale.ROOT));
    }

    private void decide(ProbeOutcome outcome, String reason) {
        if (decided) {
            return;
        }
        decided = true;
        record.outcome = outcome;
        record.reason = reason;
        if (record.failedAt == null && outcome != ProbeOutcome.TLS_ESTABLISHED && outcome != ProbeOutcome.NO_STARTTLS) {
            record.failedAt = step;
        }
        onDecided.accept(record);
    }

    private void send(ChannelHandlerContext ctx, String command, Step next) {
        step = next;
        stepStart = System.nanoTime();
        ctx.writeAndFlush(ctx.alloc().buffer().writeBytes((command + "\r\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private void quit(ChannelHandlerContext ctx) {
        send(ctx, "QUIT", Step.QUIT);
        // a server that does not answer QUIT promptly is simply disconnected
        ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
        ctx.channel().closeFuture().addListener((ChannelFutureListener) f -> step = Step.DONE);
    }

    private static String protocolReason(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return cause instanceof SmtpReplyDecoder.TooManyLinesException ? "too-many-reply-lines" : "line-too-long";
        }
        if (cause instanceof ByteBudget.ExceededException) {
            return "too-many-bytes";
        }
        return "malformed-reply";
    }

    /** The engine's reason, or the alert the server sent when the engine names none. */
    private String failureReason(Throwable cause) {
        String reason = tlsReason(cause);
        return reason.equals(TlsFailures.UNKNOWN) && sniffer.alert() != null ? "alert-" + sniffer.alert() : reason;
    }

    /** A stable key from a TLS failure: the handshake's timeout, or what {@link TlsFailures} reads. */
    static String tlsReason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SslHandshakeTimeoutException) {
                return "handshake-timeout";
            }
        }
        return TlsFailures.reason(cause);
    }

    private static Long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }

    /** Counts raw bytes from the server and fails the probe beyond its budget. */
    static final class ByteBudget extends ChannelInboundHandlerAdapter {
        static final String NAME = "byte-budget";
        private final long max;
        private long seen;

        static final class ExceededException extends IOException {
            ExceededException(long max) {
                super("server sent more than " + max + " bytes");
            }
        }

        ByteBudget(long max) {
            this.max = max;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf b) {
                seen += b.readableBytes();
                if (seen > max) {
                    b.release();
                    throw new ExceededException(max);
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    static ReadTimeoutHandler readTimeout(SmtpConfig config) {
        return new ReadTimeoutHandler(config.stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }
}
