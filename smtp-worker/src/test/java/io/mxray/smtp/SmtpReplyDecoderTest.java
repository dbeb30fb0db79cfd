package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmtpReplyDecoderTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<SmtpReply> feed(EmbeddedChannel ch, byte[] data, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(Unpooled.wrappedBuffer(data, from, cut - from));
            from = cut;
        }
        ch.writeInbound(Unpooled.wrappedBuffer(data, from, data.length - from));
        List<SmtpReply> out = new ArrayList<>();
        SmtpReply r;
        while ((r = ch.readInbound()) != null) {
            out.add(r);
        }
        return out;
    }

    @Test
    void aSingleLineReply() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder());
        assertEquals(List.of(new SmtpReply(220, List.of("mx.example ESMTP"))), feed(ch, bytes("220 mx.example ESMTP\r\n")));
    }

    @Test
    void aMultiLineReplyIsFoldedIntoOne() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder());
        var replies = feed(ch, bytes("250-mx.example\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n"));
        assertEquals(List.of(new SmtpReply(250, List.of("mx.example", "PIPELINING", "STARTTLS", "8BITMIME"))), replies);
    }

    @Test
    void bytesInArbitraryPiecesGiveTheSameReplies() {
        byte[] data = bytes("220-first\r\n220 second\r\n250-a\n250 b\r\n221 bye\r\n");
        List<SmtpReply> whole = feed(new EmbeddedChannel(new SmtpReplyDecoder()), data);
        assertEquals(3, whole.size());
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int n = random.nextInt(6);
            int[] cuts = random.ints(n, 1, data.length).sorted().distinct().toArray();
            assertEquals(whole, feed(new EmbeddedChannel(new SmtpReplyDecoder()), data, cuts), "cuts " + java.util.Arrays.toString(cuts));
        }
        // and byte by byte
        int[] all = new int[data.length - 1];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        assertEquals(whole, feed(new EmbeddedChannel(new SmtpReplyDecoder()), data, all));
    }

    @Test
    void aSplitAtEveryPositionGivesTheSameReplies() {
        byte[] data = bytes("220-mx.example ESMTP\r\n220 ready\r\n250-mx.example\r\n250-STARTTLS\r\n250 SIZE 1000\r\n");
        List<SmtpReply> whole = feed(new EmbeddedChannel(new SmtpReplyDecoder()), data);
        assertEquals(2, whole.size());
        for (int i = 1; i < data.length; i++) {
            assertEquals(whole, feed(new EmbeddedChannel(new SmtpReplyDecoder()), data, i), "split at " + i);
            for (int j = i + 1; j < data.length; j += 7) {
                assertEquals(whole, feed(new EmbeddedChannel(new SmtpReplyDecoder()), data, i, j),
                        "split at " + i + " and " + j);
            }
        }
    }

    /** Feeds the bytes one at a time until the decoder refuses them; returns how many it took. */
    private static int refusedAfter(EmbeddedChannel ch, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            int at = i;
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(data, at, 1));
            } catch (TooLongFrameException e) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void anOverlongLineFedByteByByteIsRefusedAtTheBound() {
        int took = refusedAfter(new EmbeddedChannel(new SmtpReplyDecoder(600, 10)), bytes("220 " + "x".repeat(5000)));
        assertTrue(took > 0 && took <= 603, "refused after " + took + " bytes");
    }

    @Test
    void anEndlessContinuationFedByteByByteIsRefusedAtTheBound() {
        byte[] endless = bytes("250-x\r\n".repeat(1000));
        int took = refusedAfter(new EmbeddedChannel(new SmtpReplyDecoder(600, 10)), endless);
        assertTrue(took > 0 && took <= 7 * 11, "refused after " + took + " bytes");
    }

    @Test
    void aBareCodeIsAFinalLine() {
        assertEquals(List.of(new SmtpReply(250, List.of(""))), feed(new EmbeddedChannel(new SmtpReplyDecoder()), bytes("250\r\n")));
    }

    @Test
    void anIncompleteReplyWaitsForMore() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(bytes("250-a\r\n250-b\r\n")));
        assertNull(ch.readInbound());
    }

    @Test
    void anOverlongLineIsRefusedEvenWithoutALineEnd() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder(600, 10));
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("220 " + "x".repeat(700)))));
    }

    @Test
    void anOverlongLineWithItsEndIsRefused() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder(600, 10));
        assertThrows(TooLongFrameException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("220 " + "x".repeat(700) + "\r\n"))));
    }

    @Test
    void anEndlessMultiLineReplyIsRefused() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder(600, 10));
        assertThrows(TooLongFrameException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("250-x\r\n".repeat(11)))));
    }

    @Test
    void aLineWithoutACodeIsCorrupt() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder());
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("hello\r\n"))));
    }

    @Test
    void aCodeOutOfRangeIsCorrupt() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder());
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("999 x\r\n"))));
    }

    @Test
    void aBadSeparatorIsCorrupt() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder());
        assertThrows(CorruptedFrameException.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("250x\r\n"))));
    }

    @Test
    void aContinuationWithAnotherCodeIsCorrupt() {
        var ch = new EmbeddedChannel(new SmtpReplyDecoder());
        assertThrows(CorruptedFrameException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(bytes("250-a\r\n251 b\r\n"))));
    }

    @Test
    void wireLinesReproduceTheReply() {
        assertEquals(List.of("250-a", "250 b"), new SmtpReply(250, List.of("a", "b")).wireLines());
    }
}
