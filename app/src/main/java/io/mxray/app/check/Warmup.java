package io.mxray.app.check;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * A check is short: most of its first second would go to building the probes' TLS context and to
 * loading and initializing classes on the critical path (EC signatures for DNSSEC, DNS messages,
 * Netty channels). This does that work on the other core while the command line is still being
 * parsed: the TLS context it builds is the one the probes use; the rest is thrown away.
 */
public final class Warmup {
    private Warmup() {
    }

    private static final java.util.concurrent.atomic.AtomicBoolean STARTED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /** Starts the warm-up once per process. */
    public static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(Warmup::run, "mxray-check-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** A datagram sent to itself on a Netty channel: the event loop, write and read paths. */
    private static void netty() throws InterruptedException {
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            java.util.concurrent.CountDownLatch got = new java.util.concurrent.CountDownLatch(1);
            io.netty.channel.Channel ch = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.socket.nio.NioDatagramChannel.class)
                    .handler(new io.netty.channel.SimpleChannelInboundHandler<io.netty.channel.socket.DatagramPacket>() {
                        @Override
                        protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                                    io.netty.channel.socket.DatagramPacket packet) {
                            io.netty.buffer.ByteBufUtil.getBytes(packet.content());
                            got.countDown();
                        }
                    })
                    .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0)).sync().channel();
            ch.writeAndFlush(new io.netty.channel.socket.DatagramPacket(io.netty.buffer.Unpooled.wrappedBuffer(
                    new byte[] {0, 0, 1, 0}), (java.net.InetSocketAddress) ch.localAddress()));
            got.await(1, java.util.concurrent.TimeUnit.SECONDS);
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** The probes' TLS context, built for them, and a ClientHello written with it (the handshake classes). */
    private static void tls() throws Exception {
        javax.net.ssl.SSLEngine engine = io.mxray.smtp.SmtpStage.clientContext()
                .newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT, "warm.invalid", 25);
        engine.beginHandshake();
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(java.nio.ByteBuffer.allocate(0), out);
        engine.closeOutbound();
    }

    /** In the order the check needs them: providers and DNS first, the probe's TLS context last. */
    private static void run() {
        try {
            java.security.Security.getProvider("SunEC");
            org.xbill.DNS.Record ds = org.xbill.DNS.Record.fromString(org.xbill.DNS.Name.root, org.xbill.DNS.Type.DS,
                    org.xbill.DNS.DClass.IN, 86400, "20326 8 2 e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d",
                    org.xbill.DNS.Name.root);
            org.xbill.DNS.Message q = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.fromString("warm.invalid."), org.xbill.DNS.Type.MX, org.xbill.DNS.DClass.IN));
            q.addRecord(ds, org.xbill.DNS.Section.ADDITIONAL);
            new org.xbill.DNS.Message(q.toWire());
            netty();
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            byte[] data = "mxray".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(kp.getPrivate());
            s.update(data);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance("SHA256withECDSA");
            v.initVerify(kp.getPublic());
            v.update(data);
            v.verify(sig);
            MessageDigest.getInstance("SHA-256").digest(data);
            MessageDigest.getInstance("SHA-384").digest(data);
            tls();
            java.security.cert.CertificateFactory.getInstance("X.509");
        } catch (Exception | LinkageError e) {
            // a warm-up that fails costs nothing but the time it would have saved
        }
    }
}
