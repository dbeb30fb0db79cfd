package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mxray.schema.TlsCoverage;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** The lab's key manager picks the key the handshake asks for, as the JDK's own does. */
class LabKeyManagerTest {
    static {
        // TLS 1.0 and 1.1 too, before this JVM's first TLS context (as the lab does)
        TlsCoverage.widen();
    }

    private static final LabCa CA = new LabCa(Clock.systemUTC());
    private static final Instant NOW = Instant.now();
    private static final LabCa.Issued EC = CA.issue(LabCa.Issuer.ROOT, List.of("mx.keys.test"),
            NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)), false);
    private static final LabCa.Issued RSA = CA.issue(LabCa.Issuer.ROOT, List.of("mx.keys.test"),
            NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)), true);

    @Test
    void choosesByKeyType() {
        LabKeyManager keys = LabKeyManager.of(EC.key(), EC.chain()).with(RSA.key(), RSA.chain());
        String ec = keys.chooseServerAlias("EC", null, null);
        String rsa = keys.chooseServerAlias("RSA", null, null);
        assertEquals("EC", keys.getPrivateKey(ec).getAlgorithm());
        assertEquals("RSA", keys.getPrivateKey(rsa).getAlgorithm());
        assertArrayEquals(EC.chain().toArray(), keys.getCertificateChain(ec));
        assertArrayEquals(RSA.chain().toArray(), keys.getCertificateChain(rsa));
        assertEquals(ec, keys.chooseServerAlias("EC_RSA", null, null), "static ECDH: the key's own type decides");
        assertNull(keys.chooseServerAlias("RSASSA-PSS", null, null), "no RSASSA-PSS key here");
        assertNull(LabKeyManager.of(EC.key(), EC.chain()).chooseServerAlias("RSA", null, null));
        assertNull(keys.getPrivateKey("nothing"));
        assertThrows(IllegalArgumentException.class, () -> keys.with(EC.key(), EC.chain()));
    }

    @Test
    void aClientAskingForOneKeyTypeGetsThatChain() throws Exception {
        LabKeyManager keys = LabKeyManager.of(EC.key(), EC.chain()).with(RSA.key(), RSA.chain());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(new LabKeyManager[] {keys}, null, null);
        // the JDK's client lists ECDSA schemes first (a TLS 1.3 client's choice of key type per
        // engine needs JDK 19's SSLParameters.setSignatureSchemes; TLS 1.2's suites choose it here)
        assertEquals(EC.leaf(), handshake(server, "TLSv1.3", null));
        assertEquals(EC.leaf(), handshake(server, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        assertEquals(RSA.leaf(), handshake(server, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        SSLContext rsaOnly = SSLContext.getInstance("TLS");
        rsaOnly.init(new LabKeyManager[] {LabKeyManager.of(RSA.key(), RSA.chain())}, null, null);
        assertEquals(RSA.leaf(), handshake(rsaOnly, "TLSv1.3", null));
        SSLContext ecOnly = SSLContext.getInstance("TLS");
        ecOnly.init(new LabKeyManager[] {LabKeyManager.of(EC.key(), EC.chain())}, null, null);
        assertEquals(EC.leaf(), handshake(ecOnly, "TLSv1", null));
        assertEquals(EC.leaf(), handshake(ecOnly, "TLSv1.1", null));
    }

    /** One handshake in memory; returns the leaf the client was sent. */
    private static X509Certificate handshake(SSLContext serverContext, String protocol, String suite)
            throws Exception {
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        SSLEngine client = clientContext.createSSLEngine("mx.keys.test", 25);
        client.setUseClientMode(true);
        var params = client.getSSLParameters();
        params.setProtocols(new String[] {protocol});
        if (suite != null) {
            params.setCipherSuites(new String[] {suite});
        }
        client.setSSLParameters(params);
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 50 && !(done(client) && done(server)); round++) {
            step(client, toServer, toClient, app);
            step(server, toClient, toServer, app);
        }
        if (!(done(client) && done(server))) {
            throw new SSLException("no handshake in 50 rounds");
        }
        return (X509Certificate) client.getSession().getPeerCertificates()[0];
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus s = e.getHandshakeStatus();
        return s == HandshakeStatus.NOT_HANDSHAKING || s == HandshakeStatus.FINISHED;
    }

    /** Writes what the engine has to send into {@code out}, then lets it read what {@code in} holds. */
    private static void step(SSLEngine e, ByteBuffer out, ByteBuffer in, ByteBuffer app) throws SSLException {
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            e.getDelegatedTask().run();
        }
        if (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            e.wrap(ByteBuffer.allocate(0), out);
        }
        in.flip();
        while (in.hasRemaining() && e.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
            if (e.unwrap(in, app).getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                break;
            }
            while (e.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                e.getDelegatedTask().run();
            }
        }
        in.compact();
    }
}
