package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The handshake sniffer on server flights written here byte by byte from RFC 8446 and RFC 5246
 * (record and message layouts), delivered whole, split at every byte, and mangled.
 */
class HandshakeSnifferTest {
    private static void u8(ByteArrayOutputStream o, int v) {
        o.write(v);
    }

    private static void u16(ByteArrayOutputStream o, int v) {
        o.write(v >> 8);
        o.write(v);
    }

    private static void u24(ByteArrayOutputStream o, int v) {
        o.write(v >> 16);
        o.write(v >> 8);
        o.write(v);
    }

    private static byte[] record(int type, byte[] body) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u8(o, type);
        u16(o, 0x0303);
        u16(o, body.length);
        o.writeBytes(body);
        return o.toByteArray();
    }

    private static byte[] message(int type, byte[] body) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u8(o, type);
        u24(o, body.length);
        o.writeBytes(body);
        return o.toByteArray();
    }

    /** A ServerHello (RFC 8446 4.1.3) with the given extensions already encoded. */
    private static byte[] serverHello(int cipher, byte[] extensions) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u16(o, 0x0303);
        o.writeBytes(new byte[32]);
        u8(o, 32);
        o.writeBytes(new byte[32]);
        u16(o, cipher);
        u8(o, 0);
        if (extensions != null) {
            u16(o, extensions.length);
            o.writeBytes(extensions);
        }
        return message(2, o.toByteArray());
    }

    private static byte[] tls13Extensions(int group, int keyLength) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        u16(o, 43); // supported_versions
        u16(o, 2);
        u16(o, 0x0304);
        u16(o, 51); // key_share: group, key_exchange<1..2^16-1>
        if (keyLength < 0) { // HelloRetryRequest: the selected group only
            u16(o, 2);
            u16(o, group);
        } else {
            u16(o, 4 + keyLength);
            u16(o, group);
            u16(o, keyLength);
            o.writeBytes(new byte[keyLength]);
        }
        return o.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Feeds the bytes in pieces of {@code piece} bytes; every byte must pass through unchanged. */
    private static HandshakeSniffer feed(byte[] wire, int piece) {
        HandshakeSniffer sniffer = new HandshakeSniffer();
        EmbeddedChannel ch = new EmbeddedChannel(sniffer);
        for (int i = 0; i < wire.length; i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(piece, wire.length - i)));
        }
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readInbound()) != null) {
            byte[] chunk = new byte[b.readableBytes()];
            b.readBytes(chunk);
            b.release();
            passed.writeBytes(chunk);
        }
        assertArrayEquals(wire, passed.toByteArray(), "the sniffer changes nothing");
        ch.finishAndReleaseAll();
        return sniffer;
    }

    private static void atEverySplit(byte[] wire, String cipher, String group) {
        for (int piece = 1; piece <= wire.length; piece++) {
            assertEquals(group, feed(wire, piece).group(cipher), "pieces of " + piece);
        }
    }

    @Test
    void tls13KeyShareGivesTheGroup() {
        byte[] wire = concat(record(22, serverHello(0x1301, tls13Extensions(0x001d, 32))),
                record(20, new byte[] {1}), record(23, new byte[40]));
        atEverySplit(wire, "TLS_AES_128_GCM_SHA256", "x25519");
    }

    @Test
    void aHelloRetryRequestIsFollowedToTheRealServerHello() {
        byte[] wire = concat(record(22, serverHello(0x1301, tls13Extensions(0x0017, -1))),
                record(20, new byte[] {1}),
                record(22, serverHello(0x1301, tls13Extensions(0x0017, 65))), record(23, new byte[40]));
        atEverySplit(wire, "TLS_AES_128_GCM_SHA256", "secp256r1");
    }

    @Test
    void tls12EcdheServerKeyExchangeGivesTheNamedCurve() {
        ByteArrayOutputStream ske = new ByteArrayOutputStream();
        u8(ske, 3); // named_curve
        u16(ske, 0x0018);
        u8(ske, 97);
        ske.writeBytes(new byte[97]);
        byte[] flight = concat(serverHello(0xc02c, null), message(11, new byte[300]), message(12, ske.toByteArray()),
                message(14, new byte[0]));
        // one handshake record, and the same flight cut into records of 100 bytes
        atEverySplit(record(22, flight), "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "secp384r1");
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int i = 0; i < flight.length; i += 100) {
            records.writeBytes(record(22, java.util.Arrays.copyOfRange(flight, i, Math.min(flight.length, i + 100))));
        }
        atEverySplit(records.toByteArray(), "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "secp384r1");
    }

    @Test
    void tls12DheGivesThePrimeSize() {
        ByteArrayOutputStream ske = new ByteArrayOutputStream();
        u16(ske, 256);
        ske.writeBytes(new byte[256]);
        byte[] wire = record(22, concat(serverHello(0x009e, null), message(12, ske.toByteArray()),
                message(14, new byte[0])));
        assertEquals("dhe-2048", feed(wire, wire.length).group("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"));
    }

    @Test
    void rsaKeyTransportHasNoGroup() {
        byte[] wire = record(22, concat(serverHello(0x009c, null), message(11, new byte[100]),
                message(14, new byte[0])));
        assertNull(feed(wire, 7).group("TLS_RSA_WITH_AES_128_GCM_SHA256"));
    }

    @Test
    void aClearTextAlertIsRecorded() {
        byte[] wire = record(21, new byte[] {2, 40});
        for (int piece = 1; piece <= wire.length; piece++) {
            assertEquals("handshake-failure", feed(wire, piece).alert());
        }
        assertEquals("protocol-version", feed(record(21, new byte[] {2, 70}), 3).alert());
    }

    @Test
    void garbageAndTruncatedFlightsNeverThrowAndPassThrough() {
        Random random = new Random(7);
        byte[] good = record(22, serverHello(0x1301, tls13Extensions(0x001d, 32)));
        for (int i = 0; i < 2000; i++) {
            byte[] wire = random.nextBoolean() ? good.clone() : new byte[1 + random.nextInt(300)];
            if (wire.length != good.length || random.nextBoolean()) {
                random.nextBytes(wire);
            } else {
                wire[random.nextInt(wire.length)] ^= (byte) (1 + random.nextInt(255));
            }
            HandshakeSniffer s = feed(wire, 1 + random.nextInt(wire.length));
            s.group("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
            s.alert();
        }
        // an endless stream: the sniffer stops looking after its limit
        byte[] endless = new byte[HandshakeSniffer.LIMIT + 10_000];
        for (int i = 0; i + 5 <= endless.length; i += 16_389) {
            endless[i] = 22;
            endless[i + 1] = 3;
            endless[i + 2] = 3;
            endless[i + 3] = 0x40;
        }
        assertNull(feed(endless, 4096).group("TLS_AES_128_GCM_SHA256"));
    }
}
