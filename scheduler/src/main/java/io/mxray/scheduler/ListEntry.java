package io.mxray.scheduler;

/** What one line of a domain list is. Every line read yields exactly one entry. */
public sealed interface ListEntry {
    long lineNo();

    /** A valid domain, normalized, first seen on this line. */
    record Accepted(long lineNo, String domain, Long rank) implements ListEntry {
    }

    /** A line that is not a valid domain name. */
    record Rejected(long lineNo, String line, String reason, String detail) implements ListEntry {
    }

    /** A valid domain already accepted on an earlier line. */
    record Duplicate(long lineNo, String line, String domain, long firstLineNo) implements ListEntry {
    }

    /** A blank line, a comment or a CSV header. */
    record Ignored(long lineNo, String kind) implements ListEntry {
    }
}
