package io.mxray.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the server's side of a TLS handshake as it passes (never changing a byte) to learn what
 * the TLS engine does not say: the key exchange group (from the TLS 1.3 ServerHello key_share or
 * the TLS 1.2 ServerKeyExchange) and a fatal alert sent in the clear. Sits between the byte
 * counter and the TLS handler; steps aside once it has what it needs or after {@link #LIMIT}
 * bytes, whichever comes first. Works whatever the TLS provider.
 */
final class HandshakeSniffer extends ChannelInboundHandlerAdapter {
    static final String NAME = "tls-sniffer";
    /** Server bytes looked at, at most. */
    static final int LIMIT = 64 * 1024;
    private static final int TLS13 = 0x0304;
    private static final Map<Integer, String> GROUPS = Map.ofEntries(
            Map.entry(0x0017, "secp256r1"), Map.entry(0x0018, "secp384r1"), Map.entry(0x0019, "secp521r1"),
            Map.entry(0x001d, "x25519"), Map.entry(0x001e, "x448"), Map.entry(0x0100, "ffdhe2048"),
            Map.entry(0x0101, "ffdhe3072"), Map.entry(0x0102, "ffdhe4096"), Map.entry(0x0103, "ffdhe6144"),
            Map.entry(0x0104, "ffdhe8192"), Map.entry(0x001a, "brainpoolP256r1"), Map.entry(0x001b, "brainpoolP384r1"),
            Map.entry(0x001c, "brainpoolP512r1"), Map.entry(0x11ec, "X25519MLKEM768"),
            Map.entry(0x11eb, "SecP256r1MLKEM768"), Map.entry(0x6399, "X25519Kyber768Draft00"));
    private static final Map<Integer, String> ALERTS = Map.ofEntries(
            Map.entry(0, "close-notify"), Map.entry(10, "unexpected-message"), Map.entry(20, "bad-record-mac"),
            Map.entry(22, "record-overflow"), Map.entry(40, "handshake-failure"), Map.entry(42, "bad-certificate"),
            Map.entry(47, "illegal-parameter"), Map.entry(48, "unknown-ca"), Map.entry(50, "decode-error"),
            Map.entry(51, "decrypt-error"), Map.entry(70, "protocol-version"), Map.entry(71, "insufficient-security"),
            Map.entry(80, "internal-error"), Map.entry(86, "inappropriate-fallback"), Map.entry(90, "user-canceled"),
            Map.entry(109, "missing-extension"), Map.entry(110, "unsupported-extension"),
            Map.entry(112, "unrecognized-name"), Map.entry(116, "certificate-required"),
            Map.entry(120, "no-application-protocol"));

    private byte[] stream = new byte[0]; // grown on the first STARTTLS byte: most probes never get here
    private int length;
    private int recordAt;
    private byte[] handshake = new byte[0];
    private int handshakeLength;
    private int messageAt;
    private boolean done;

    private Integer keyShareGroup;
    private int serverVersion;
    private byte[] serverKeyExchange;
    private String alert;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!done && msg instanceof ByteBuf b) {
            try {
                take(b);
            } catch (RuntimeException e) { // a malformed handshake is the TLS engine's to judge
                done = true;
            }
            if (done) {
                ctx.pipeline().remove(this);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void take(ByteBuf b) {
        int n = Math.min(b.readableBytes(), LIMIT - length);
        if (n <= 0) {
            done = true;
            return;
        }
        if (length + n > stream.length) {
            stream = Arrays.copyOf(stream, Math.max(length + n, stream.length * 2));
        }
        b.getBytes(b.readerIndex(), stream, length, n);
        length += n;
        while (!done && length - recordAt >= 5) {
            int type = stream[recordAt] & 0xff;
            int size = u16(stream, recordAt + 3);
            if (length - recordAt - 5 < size) {
                return; // the rest of the record has not arrived
            }
            int body = recordAt + 5;
            recordAt = body + size;
            switch (type) {
                case 22 -> handshake(body, size);
                case 21 -> {
                    if (size == 2) {
                        int code = stream[body + 1] & 0xff;
                        alert = ALERTS.getOrDefault(code, "alert-" + code);
                    }
                    done = true;
                }
                case 20 -> { // change_cipher_spec: in TLS 1.2 the rest is encrypted
                    if (serverVersion != TLS13) {
                        done = true;
                    }
                }
                default -> done = true; // application data: encrypted from here on
            }
        }
        if (length >= LIMIT) {
            done = true;
        }
    }

    private void handshake(int from, int size) {
        if (handshakeLength + size > handshake.length) {
            handshake = Arrays.copyOf(handshake, Math.max(handshakeLength + size, handshake.length * 2));
        }
        System.arraycopy(stream, from, handshake, handshakeLength, size);
        handshakeLength += size;
        while (!done && handshakeLength - messageAt >= 4) {
            int type = handshake[messageAt] & 0xff;
            int size3 = ((handshake[messageAt + 1] & 0xff) << 16) | u16(handshake, messageAt + 2);
            if (handshakeLength - messageAt - 4 < size3) {
                return;
            }
            int body = messageAt + 4;
            messageAt = body + size3;
            switch (type) {
                case 2 -> serverHello(body, size3);
                case 12 -> {
                    serverKeyExchange = Arrays.copyOfRange(handshake, body, body + Math.min(size3, 4));
                    done = true;
                }
                case 14 -> done = true; // ServerHelloDone: no key exchange message (RSA key transport)
                default -> {
                }
            }
        }
    }

    private void serverHello(int at, int size) {
        int end = at + size;
        serverVersion = u16(handshake, at);
        int p = at + 2 + 32; // version, random
        p += 1 + (handshake[p] & 0xff); // session id
        p += 2 + 1; // cipher suite, compression
        if (p + 2 > end) {
            return; // no extensions
        }
        int extensionsEnd = Math.min(end, p + 2 + u16(handshake, p));
        p += 2;
        boolean retry = false;
        while (p + 4 <= extensionsEnd) {
            int type = u16(handshake, p);
            int len = u16(handshake, p + 2);
            int data = p + 4;
            if (type == 43 && len == 2) { // supported_versions
                serverVersion = u16(handshake, data);
            } else if (type == 51 && len >= 2) { // key_share: the group comes first
                keyShareGroup = u16(handshake, data);
                retry = len == 2; // a HelloRetryRequest names only the group; a real ServerHello follows
            }
            p = data + len;
        }
        if (serverVersion == TLS13 && keyShareGroup != null && !retry) {
            done = true; // everything after this ServerHello is encrypted
        }
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    /**
     * The key exchange group, given the negotiated cipher suite (TLS 1.2 needs it to read the
     * ServerKeyExchange), or null when there was none (RSA key transport) or it was not seen.
     */
    String group(String cipherSuite) {
        if (keyShareGroup != null) {
            return name(keyShareGroup);
        }
        if (serverKeyExchange == null || cipherSuite == null) {
            return null;
        }
        String suite = cipherSuite.toUpperCase(Locale.ROOT);
        if (suite.contains("ECDHE") && serverKeyExchange.length >= 3 && serverKeyExchange[0] == 3) {
            return name(u16(serverKeyExchange, 1)); // named_curve
        }
        if (suite.contains("_DHE_") && serverKeyExchange.length >= 2) {
            return "dhe-" + u16(serverKeyExchange, 0) * 8; // the prime's size in bits
        }
        return null;
    }

    private static String name(int group) {
        return GROUPS.getOrDefault(group, String.format("0x%04x", group));
    }

    /** A fatal alert the server sent in the clear, as a key ({@code handshake-failure}), or null. */
    String alert() {
        return alert;
    }
}
