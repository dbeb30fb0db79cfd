package io.mxray.smtp;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The extensions an EHLO reply advertises (RFC 5321 section 4.1.1.1): the first line is the
 * greeting, every further line is a keyword with optional parameters. Keywords are compared
 * case-insensitively and kept in upper case; STARTTLS is found as a keyword, never by searching
 * the text.
 */
public record EhloKeywords(List<String> keywords) {
    /** @param keywords distinct, upper case, in the order the server sent them */
    public EhloKeywords {
        keywords = List.copyOf(keywords);
    }

    public static EhloKeywords parse(SmtpReply reply) {
        Set<String> out = new LinkedHashSet<>();
        List<String> lines = reply.lines();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int sp = line.indexOf(' ');
            String keyword = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
            if (isKeyword(keyword)) {
                out.add(keyword);
            }
        }
        return new EhloKeywords(List.copyOf(out));
    }

    /** RFC 5321: ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-"). */
    private static boolean isKeyword(String k) {
        if (k.isEmpty() || k.length() > 64) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public boolean offersStarttls() {
        return keywords.contains("STARTTLS");
    }

}
