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

    public static void start() {
        Thread t = new Thread(Warmup::run, "mxray-check-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** A datagram channel bound and closed: Netty's event loop, channel and pipeline classes. */
    private static void netty() throws InterruptedException {
        io.netty.channel.EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            new io.netty.bootstrap.Bootstrap().group(group).channel(io.netty.channel.socket.nio.NioDatagramChannel.class)
                    .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0)).sync()
                    .channel().close().sync();
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

    private static void run() {
        try {
            tls();
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
            org.xbill.DNS.Message q = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                    org.xbill.DNS.Name.fromString("warm.invalid."), org.xbill.DNS.Type.MX, org.xbill.DNS.DClass.IN));
            new org.xbill.DNS.Message(q.toWire());
            io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(64).release();
            java.security.cert.CertificateFactory.getInstance("X.509");
            netty();
        } catch (Exception | LinkageError e) {
            // a warm-up that fails costs nothing but the time it would have saved
        }
    }
}
