package io.mxray.smtp;

import java.util.List;

/**
 * One SMTP reply (RFC 5321 section 4.2): a three-digit code and its text lines, a multi-line
 * reply folded into one value.
 *
 * @param lines the text after the code and separator of every line
 */
public record SmtpReply(int code, List<String> lines) {
    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransientFailure() {
        return code >= 400 && code < 500;
    }

    /** The reply as it appeared on the wire, one line per element, for the record. */
    public List<String> wireLines() {
        String[] out = new String[lines.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = code + (i == out.length - 1 ? " " : "-") + lines.get(i);
        }
        return List.of(out);
    }
}
