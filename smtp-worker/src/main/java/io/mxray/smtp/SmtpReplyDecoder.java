package io.mxray.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes SMTP replies from bytes arriving in arbitrary pieces, folding the lines of a
 * multi-line reply ({@code 250-...} up to {@code 250 ...}) into one {@link SmtpReply}.
 *
 * <p>Hostile servers are bounded: a line longer than {@code maxLineLength} or a reply of more
 * than {@code maxLines} lines fails with {@link TooLongFrameException}; a line that does not
 * start with a three-digit code and a separator, or a continuation with another code, fails with
 * {@link CorruptedFrameException}. RFC 5321 section 4.5.3.1.5 sets 512 octets per reply line;
 * the default bound allows some slack for real servers.
 */
public final class SmtpReplyDecoder extends ByteToMessageDecoder {
    public static final int DEFAULT_MAX_LINE_LENGTH = 2048;
    public static final int DEFAULT_MAX_LINES = 100;

    private final int maxLineLength;
    private final int maxLines;
    private final List<String> pending = new ArrayList<>();
    private int pendingCode = -1;

    public SmtpReplyDecoder() {
        this(DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_LINES);
    }

    public SmtpReplyDecoder(int maxLineLength, int maxLines) {
        this.maxLineLength = maxLineLength;
        this.maxLines = maxLines;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (eol < 0) {
                if (in.readableBytes() > maxLineLength) {
                    in.skipBytes(in.readableBytes());
                    throw new TooLongFrameException("reply line longer than " + maxLineLength + " bytes");
                }
                return;
            }
            int length = eol - in.readerIndex();
            if (length > maxLineLength) {
                in.readerIndex(eol + 1);
                throw new TooLongFrameException("reply line longer than " + maxLineLength + " bytes");
            }
            int end = length > 0 && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
            String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
            in.readerIndex(eol + 1);
            SmtpReply reply = line(line);
            if (reply != null) {
                out.add(reply);
            }
        }
    }

    private SmtpReply line(String line) {
        if (line.length() < 3 || !isDigit(line.charAt(0)) || !isDigit(line.charAt(1)) || !isDigit(line.charAt(2))) {
            throw new CorruptedFrameException("reply line does not start with a code: " + printable(line));
        }
        int code = Integer.parseInt(line.substring(0, 3));
        if (code < 200 || code > 599) {
            throw new CorruptedFrameException("reply code out of range: " + code);
        }
        boolean last;
        if (line.length() == 3) {
            last = true; // "250" alone is tolerated as a final line
        } else if (line.charAt(3) == ' ') {
            last = true;
        } else if (line.charAt(3) == '-') {
            last = false;
        } else {
            throw new CorruptedFrameException("no separator after the reply code: " + printable(line));
        }
        if (pendingCode >= 0 && pendingCode != code) {
            throw new CorruptedFrameException("continuation line with code " + code + " inside a " + pendingCode
                    + " reply");
        }
        pendingCode = code;
        pending.add(line.length() > 4 ? line.substring(4) : "");
        if (pending.size() > maxLines) {
            throw new TooManyLinesException("reply of more than " + maxLines + " lines");
        }
        if (!last) {
            return null;
        }
        SmtpReply reply = new SmtpReply(code, pending);
        pending.clear();
        pendingCode = -1;
        return reply;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder();
        for (char c : cut.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    /** A reply of more lines than allowed: its own type, so a probe can say which limit was hit. */
    static final class TooManyLinesException extends TooLongFrameException {
        TooManyLinesException(String message) {
            super(message);
        }
    }
}
