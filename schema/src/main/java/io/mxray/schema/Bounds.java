package io.mxray.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * How much of what a server or a zone sends mxray keeps in its results: every bound on hostile
 * input that reaches a message, in one place (README, "Safety"). What goes beyond is cut where it
 * is produced, and the result names what was cut, so that no result grows past what a broker
 * takes ({@link #MESSAGE_BYTES}) whatever a server or zone sends.
 */
public final class Bounds {
    /** Lines of a greeting kept. */
    public static final int BANNER_LINES = 10;
    /** Characters of one reply line kept (RFC 5321 section 4.5.3.1.5: 512 octets per line). */
    public static final int LINE_CHARS = 512;
    /** EHLO keywords kept (servers offer about ten). */
    public static final int EHLO_KEYWORDS = 32;
    /** Characters of one EHLO keyword line kept. */
    public static final int KEYWORD_CHARS = 128;
    /** Policy TXT records (MTA-STS, TLS-RPT) kept as found, and characters of each. */
    public static final int TXT_RECORDS = 4;
    public static final int TXT_CHARS = 1024;
    /** TLSA records kept per RRset, and hex characters of their data in all (8 KB of data). */
    public static final int TLSA_RECORDS = 32;
    public static final int TLSA_DATA_HEX = 16384;
    /** Bytes of an MTA-STS policy body read (RFC 8461 section 3.3: senders limit it to 64 KB). */
    public static final int POLICY_BYTES = 64 * 1024;
    /** Characters of a policy body kept in its result (real policies are a few hundred). */
    public static final int POLICY_CHARS = 4096;
    /** Characters of an HTTP header value kept (the content type). */
    public static final int HEADER_CHARS = 256;
    /**
     * The largest message a stage publishes: Kafka's default {@code max.request.size} (and the
     * broker's {@code message.max.bytes}, about the same). A result that is larger all the same
     * goes to the dead letters and is answered with a failure result.
     */
    public static final int MESSAGE_BYTES = 1 << 20;

    private Bounds() {
    }

    /** As {@link #text}, but line ends (CR, LF) are kept: a document of lines, such as a policy body. */
    public static String multiline(String s, int maxChars) {
        if (s == null) {
            return null;
        }
        int n = Math.min(s.length(), maxChars);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || (c >= 0x7f && c <= 0x9f);
            b.append(control ? '\uFFFD' : c);
        }
        return b.toString();
    }

    /**
     * Text as kept: control characters (C0 but tab, DEL, C1) become U+FFFD, so that a stored
     * string can neither carry a NUL (which PostgreSQL refuses) nor grow sixfold as JSON escapes,
     * and at most {@code maxChars} characters. Null stays null.
     */
    public static String text(String s, int maxChars) {
        if (s == null) {
            return null;
        }
        int n = Math.min(s.length(), maxChars);
        StringBuilder b = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f);
            if (control && b == null) {
                b = new StringBuilder(n).append(s, 0, i);
            }
            if (b != null) {
                b.append(control ? '\uFFFD' : c);
            }
        }
        return b != null ? b.toString() : n < s.length() ? s.substring(0, n) : s;
    }

    /** Whether {@link #text} would change {@code s}. */
    public static boolean cuts(String s, int maxChars) {
        return s != null && (s.length() > maxChars || !text(s, maxChars).equals(s));
    }

    /** Lines as kept, and whether anything was cut (lines dropped or shortened; control characters do not count). */
    public record Kept(List<String> lines, boolean cut) {
    }

    public static Kept lines(List<String> lines, int maxLines, int maxChars) {
        if (lines == null) {
            return new Kept(List.of(), false);
        }
        List<String> out = new ArrayList<>(Math.min(lines.size(), maxLines));
        boolean cut = lines.size() > maxLines;
        for (int i = 0; i < lines.size() && i < maxLines; i++) {
            String l = lines.get(i);
            cut |= l.length() > maxChars;
            out.add(text(l, maxChars));
        }
        return new Kept(List.copyOf(out), cut);
    }
}
