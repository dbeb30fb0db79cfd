package io.mxray.lab;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * Serves a {@link LabAuthority} over UDP and TCP on one loopback address and port: UDP answers
 * larger than the client's EDNS0 size are truncated (TC) so that the client retries over TCP.
 */
public final class LabDnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LabDnsServer.class);

    private final LabAuthority authority;
    private final Channel udp;
    private final Channel tcp;
    private final InetSocketAddress address;

    private LabDnsServer(LabAuthority authority, Channel udp, Channel tcp, InetSocketAddress address) {
        this.authority = authority;
        this.udp = udp;
        this.tcp = tcp;
        this.address = address;
    }

    public static LabDnsServer start(LabAuthority authority, InetSocketAddress bind, EventLoopGroup group) {
        Channel tcp = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2),
                                new LengthFieldPrepender(2), new TcpHandler(authority));
                    }
                }).bind(bind).syncUninterruptibly().channel();
        InetSocketAddress bound = (InetSocketAddress) tcp.localAddress();
        Channel udp;
        try {
            udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new UdpHandler(authority)).bind(bound).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            tcp.close().syncUninterruptibly();
            throw e;
        }
        return new LabDnsServer(authority, udp, tcp, bound);
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
    }

    private static Message parse(ByteBuf buf) throws IOException {
        return new Message(ByteBufUtil.getBytes(buf));
    }

    private static final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final LabAuthority authority;

        UdpHandler(LabAuthority authority) {
            this.authority = authority;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            try {
                Message query = parse(packet.content());
                byte[] wire = authority.answer(query).toWire(LabAuthority.maxUdpSize(query));
                ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(wire), packet.sender()));
            } catch (IOException | RuntimeException e) {
                LOG.debug("lab DNS: dropping an unreadable UDP query from {}: {}", packet.sender(), e.toString());
            }
        }
    }

    private static final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final LabAuthority authority;

        TcpHandler(LabAuthority authority) {
            this.authority = authority;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            try {
                byte[] wire = authority.answer(parse(frame)).toWire();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(wire));
            } catch (IOException | RuntimeException e) {
                LOG.debug("lab DNS: closing a TCP connection after an unreadable query: {}", e.toString());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("lab DNS: TCP connection error: {}", cause.toString());
            ctx.close();
        }
    }
}
