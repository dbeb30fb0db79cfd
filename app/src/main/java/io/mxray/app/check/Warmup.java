package io.mxray.app.check;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/**
 * A check is short: most of its first second would go to loading and initializing classes on
 * the critical path (EC signatures for DNSSEC, DNS messages, Netty buffers). This does that work
 * on the other core while the command line is still being parsed. Nothing it computes is used.
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

    private static void run() {
        try {
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
        } catch (Exception | LinkageError e) {
            // a warm-up that fails costs nothing but the time it would have saved
        }
    }
}
