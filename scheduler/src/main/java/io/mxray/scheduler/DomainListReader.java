package io.mxray.scheduler;

import io.mxray.verdict.DomainName;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads a domain list: plain text with one domain per line, or a ranked CSV such as Tranco's
 * {@code rank,domain}. Comments start with {@code #}; blank lines and a CSV header are ignored
 * (and counted). Every line yields exactly one {@link ListEntry}, so nothing is dropped silently.
 *
 * <p>Lines are bounded ({@link #MAX_LINE_CHARS}); a longer line is rejected with its first
 * characters kept. Duplicates are detected exactly with an in-memory set of the accepted names
 * ({@link FirstSeen}: about 40 bytes a domain, 4 GB of heap for a list of 100 million).
 */
public final class DomainListReader {
    /** Longer than any domain (253) plus a rank and some slack. */
    public static final int MAX_LINE_CHARS = 1024;

    /** A list file ({@code -}: standard input) as text. */
    public static Reader open(String list) throws IOException {
        InputStream in = "-".equals(list) ? System.in : Files.newInputStream(Path.of(list));
        // malformed UTF-8 becomes U+FFFD, which the name check then rejects with a reason
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    private final FirstSeen firstSeen = new FirstSeen();

    public void read(Reader in, Consumer<ListEntry> sink) throws IOException {
        LineReader lines = new LineReader(in);
        long lineNo = 0;
        String line;
        while ((line = lines.next()) != null) {
            lineNo++;
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1); // UTF-8 byte order mark
            }
            sink.accept(classify(lineNo, line, lines.lastWasTruncated()));
        }
    }

    private ListEntry classify(long lineNo, String raw, boolean truncated) {
        if (truncated) {
            return new ListEntry.Rejected(lineNo, raw, "line-too-long",
                    "the line is longer than " + MAX_LINE_CHARS + " characters (only its start is kept)");
        }
        String line = raw;
        int hash = line.indexOf('#');
        if (hash >= 0) {
            line = line.substring(0, hash);
        }
        line = line.strip();
        if (line.isEmpty()) {
            return new ListEntry.Ignored(lineNo, hash >= 0 ? "comment" : "blank");
        }
        Long rank = null;
        String name = line;
        int comma = line.indexOf(',');
        if (comma >= 0) {
            String first = line.substring(0, comma).strip();
            String rest = line.substring(comma + 1).strip();
            if (rest.indexOf(',') >= 0) {
                rest = rest.substring(0, rest.indexOf(',')).strip();
            }
            if (first.chars().allMatch(Character::isDigit) && !first.isEmpty()) {
                try {
                    rank = Long.parseLong(first);
                } catch (NumberFormatException e) {
                    return new ListEntry.Rejected(lineNo, raw, "bad-rank", "the rank is not a number we can store");
                }
                name = rest;
            } else if (lineNo == 1) {
                return new ListEntry.Ignored(lineNo, "header");
            } else {
                return new ListEntry.Rejected(lineNo, raw, "malformed-csv",
                        "a CSV line must be rank,domain with a numeric rank");
            }
        }
        DomainName.Result result = DomainName.normalize(name);
        if (result instanceof DomainName.Invalid invalid) {
            return new ListEntry.Rejected(lineNo, raw, invalid.reason(), invalid.detail());
        }
        String domain = ((DomainName.Valid) result).name();
        long first = firstSeen.putIfAbsent(domain, lineNo);
        if (first >= 0) {
            return new ListEntry.Duplicate(lineNo, raw, domain, first);
        }
        return new ListEntry.Accepted(lineNo, domain, rank);
    }

    /** Splits on LF (a preceding CR is dropped), never holding more than the bound of one line. */
    private static final class LineReader {
        private final Reader in;
        private final char[] buf = new char[8192];
        private int pos;
        private int len;
        private boolean eof;
        private boolean truncated;

        LineReader(Reader in) {
            this.in = in;
        }

        boolean lastWasTruncated() {
            return truncated;
        }

        String next() throws IOException {
            StringBuilder sb = new StringBuilder();
            truncated = false;
            boolean any = false;
            while (true) {
                if (pos == len) {
                    if (eof) {
                        return any ? finish(sb) : null;
                    }
                    len = in.read(buf);
                    pos = 0;
                    if (len <= 0) {
                        eof = true;
                        len = 0;
                        continue;
                    }
                }
                char c = buf[pos++];
                any = true;
                if (c == '\n') {
                    return finish(sb);
                }
                if (sb.length() < MAX_LINE_CHARS) {
                    sb.append(c);
                } else if (c != '\r') {
                    truncated = true;
                }
            }
        }

        private static String finish(StringBuilder sb) {
            int n = sb.length();
            if (n > 0 && sb.charAt(n - 1) == '\r') {
                sb.setLength(n - 1);
            }
            return sb.toString();
        }
    }
}
