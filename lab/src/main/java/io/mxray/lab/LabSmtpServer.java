package io.mxray.lab;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lab MX host: an SMTP server on one loopback address that greets, answers EHLO (with or
 * without STARTTLS), upgrades to TLS with the certificate its scenario declares, and accepts no
 * mail. It implements just enough of RFC 5321 and RFC 3207 for a scanner to measure it.
 */
public final class LabSmtpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabSmtpServer.class);

    private final Channel channel;

    private LabSmtpServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * @param tls the server-side TLS context, or null when STARTTLS is not offered
     */
    public static LabSmtpServer start(String hostName, ServerSpec spec, SslContext tls, InetSocketAddress bind,
                                      EventLoopGroup group) {
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new LineBasedFrameDecoder(2048),
                                new StringDecoder(StandardCharsets.US_ASCII),
                                new StringEncoder(StandardCharsets.US_ASCII),
                                new Session(hostName, spec, tls));
                    }
                }).bind(bind).syncUninterruptibly().channel();
        return new LabSmtpServer(ch);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Session extends SimpleChannelInboundHandler<String> {
        private final String hostName;
        private final ServerSpec spec;
        private final SslContext tls;
        private boolean inTls;

        Session(String hostName, ServerSpec spec, SslContext tls) {
            this.hostName = hostName;
            this.spec = spec;
            this.tls = tls;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush("220 " + hostName + " ESMTP mxray lab\r\n");
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            String verb = line.strip().split(" ", 2)[0].toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO" -> {
                    StringBuilder r = new StringBuilder();
                    r.append("250-").append(hostName).append(" greets you\r\n");
                    r.append("250-PIPELINING\r\n");
                    r.append("250-SIZE 10240000\r\n");
                    if (spec.offerStarttls() && !inTls) {
                        r.append("250-STARTTLS\r\n");
                    }
                    r.append("250 8BITMIME\r\n");
                    ctx.writeAndFlush(r.toString());
                }
                case "HELO" -> ctx.writeAndFlush("250 " + hostName + "\r\n");
                case "STARTTLS" -> {
                    if (!spec.offerStarttls() || inTls) {
                        ctx.writeAndFlush("502 5.5.1 STARTTLS not available\r\n");
                        return;
                    }
                    inTls = true;
                    // startTls=true: the 220 below leaves in the clear, everything after is TLS (RFC 3207)
                    ctx.pipeline().addFirst("tls", new SslHandler(tls.newEngine(ctx.alloc()), true));
                    ctx.writeAndFlush("220 2.0.0 Ready to start TLS\r\n");
                }
                case "NOOP", "RSET" -> ctx.writeAndFlush("250 2.0.0 OK\r\n");
                case "QUIT" -> ctx.writeAndFlush("221 2.0.0 Bye\r\n").addListener(ChannelFutureListener.CLOSE);
                case "MAIL", "RCPT", "DATA" -> ctx.writeAndFlush("554 5.7.1 the mxray lab accepts no mail\r\n");
                default -> ctx.writeAndFlush("500 5.5.2 command not recognized\r\n");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a scanner that gives up mid-handshake is normal in the lab; nothing to report but the fact
            LOG.debug("lab SMTP {}: {}", hostName, cause.toString());
            ctx.close();
        }
    }
}
