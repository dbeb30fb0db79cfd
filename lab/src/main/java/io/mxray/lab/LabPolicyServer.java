package io.mxray.lab;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AsyncMapping;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A lab HTTPS server for MTA-STS policy hosts: picks the certificate by SNI and answers
 * {@code GET /.well-known/mta-sts.txt} as the host's {@link PolicySpec} says (any other path: 404).
 * It records the Host header and SNI of every request, so tests see what a fetcher sent.
 */
public final class LabPolicyServer implements AutoCloseable {
    private static final AttributeKey<String> SNI = AttributeKey.valueOf("mxray.lab.sni");
    private final Channel channel;
    private final List<String> seen;

    private LabPolicyServer(Channel channel, List<String> seen) {
        this.channel = channel;
        this.seen = seen;
    }

    /**
     * @param tls    the server context for an SNI name (null name: none sent), or null to refuse the handshake
     * @param policy what to answer for a Host, or null for 404
     */
    public static CompletableFuture<LabPolicyServer> bind(InetSocketAddress address, Function<String, SslContext> tls,
                                                          Function<String, PolicySpec> policy, EventLoopGroup group) {
        CompletableFuture<LabPolicyServer> result = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        AsyncMapping<String, SslContext> byName = (String name, Promise<SslContext> p) -> {
                            c.attr(SNI).set(name);
                            SslContext ctx = tls.apply(name == null ? null : name.toLowerCase(Locale.ROOT));
                            return ctx == null ? p.setFailure(new IllegalStateException("no certificate for " + name))
                                    : p.setSuccess(ctx);
                        };
                        c.pipeline().addLast("sni", new SniHandler(byName))
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(1 << 16))
                                .addLast("policy", new Responder(policy, seen));
                    }
                }).bind(address).addListener(f -> {
                    ChannelFuture cf = (ChannelFuture) f;
                    if (cf.isSuccess()) {
                        result.complete(new LabPolicyServer(cf.channel(), seen));
                    } else {
                        result.completeExceptionally(new IllegalStateException("cannot bind the lab policy server on "
                                + address + ": " + cf.cause().getMessage(), cf.cause()));
                    }
                });
        return result;
    }

    /** Every request so far, as {@code "<SNI> <Host> <path>"}. */
    public List<String> requests() {
        return List.copyOf(seen);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Function<String, PolicySpec> policy;
        private final List<String> seen;

        Responder(Function<String, PolicySpec> policy, List<String> seen) {
            this.policy = policy;
            this.seen = seen;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String host = request.headers().get(HttpHeaderNames.HOST, "");
            int colon = host.indexOf(':');
            String name = (colon < 0 ? host : host.substring(0, colon)).toLowerCase(Locale.ROOT);
            String sni = ctx.channel().attr(SNI).get();
            seen.add((sni == null ? "-" : sni) + " " + host + " " + request.uri());
            PolicySpec spec = request.uri().equals("/.well-known/mta-sts.txt") ? policy.apply(name) : null;
            if (spec == null) {
                respond(ctx, HttpResponseStatus.NOT_FOUND.code(), "text/plain", "not found\n", null);
                return;
            }
            Runnable answer = () -> respond(ctx, spec.status(), spec.contentType(), spec.body(), spec.location());
            if (spec.delay().isZero()) {
                answer.run();
            } else {
                ctx.executor().schedule(answer, spec.delay().toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        private static void respond(ChannelHandlerContext ctx, int status, String type, String body, String location) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
            if (type != null) {
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            }
            if (location != null) {
                r.headers().set(HttpHeaderNames.LOCATION, location);
            }
            HttpUtil.setContentLength(r, bytes.length);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a client that hangs up or fails the handshake: nothing to tell it
        }
    }
}
