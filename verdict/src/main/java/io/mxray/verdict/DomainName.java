package io.mxray.verdict;

import java.net.IDN;
import java.util.Locale;

/**
 * Normalizes one domain name as a list gives it (lower case, IDN to A-label, trailing dot
 * removed) and rejects what is not a mail domain, with a stable reason key.
 *
 * <p>IDN conversion uses {@link java.net.IDN} (IDNA2003). The four characters where IDNA2003
 * and IDNA2008 give different A-labels (ß, ς, ZWJ, ZWNJ: UTS #46 "deviations") are rejected
 * rather than silently mapped to a different domain.
 */
public final class DomainName {
    /** RFC 1035 section 2.3.4, without the trailing dot. */
    public static final int MAX_NAME_LENGTH = 253;
    public static final int MAX_LABEL_LENGTH = 63;

    private DomainName() {
    }

    /** The outcome for one name: the normalized name, or a rejection. */
    public sealed interface Result permits Valid, Invalid {
    }

    public record Valid(String name) implements Result {
    }

    /**
     * @param reason stable key (see the constants of this class's javadoc in the README)
     * @param detail a sentence for a person
     */
    public record Invalid(String reason, String detail) implements Result {
    }

    public static Result normalize(String raw) {
        String s = raw.strip();
        if (s.isEmpty()) {
            return new Invalid("empty", "the name is empty");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i)) || Character.isISOControl(s.charAt(i))) {
                return new Invalid("invalid-character", "contains whitespace or a control character");
            }
        }
        if (s.endsWith(".") && s.length() > 1) {
            s = s.substring(0, s.length() - 1);
        }
        s = s.toLowerCase(Locale.ROOT);
        if (!isAscii(s)) {
            String deviation = deviation(s);
            if (deviation != null) {
                return new Invalid("idn-deviation", "contains " + deviation
                        + ", which IDNA2003 and IDNA2008 map to different domains");
            }
            try {
                s = IDN.toASCII(s, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return new Invalid("idn-invalid", "not a valid internationalized name: " + e.getMessage());
            }
        }
        if (s.length() > MAX_NAME_LENGTH) {
            return new Invalid("name-too-long", "the name has " + s.length() + " characters, at most "
                    + MAX_NAME_LENGTH + " are allowed");
        }
        String[] labels = s.split("\\.", -1);
        for (String label : labels) {
            Invalid bad = checkLabel(label);
            if (bad != null) {
                return bad;
            }
        }
        if (labels.length < 2) {
            return new Invalid("single-label", "a mail domain has at least two labels");
        }
        String tld = labels[labels.length - 1];
        if (tld.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return new Invalid("numeric-tld", "the last label is numeric (an IP address is not a domain)");
        }
        return new Valid(s);
    }

    private static Invalid checkLabel(String label) {
        if (label.isEmpty()) {
            return new Invalid("empty-label", "the name has an empty label (two dots in a row, or a leading dot)");
        }
        if (label.length() > MAX_LABEL_LENGTH) {
            return new Invalid("label-too-long", "a label has " + label.length() + " characters, at most "
                    + MAX_LABEL_LENGTH + " are allowed");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ldh = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ldh) {
                return new Invalid("invalid-character", "character '" + printable(c)
                        + "' is not allowed in a host name (letters, digits and hyphens only)");
            }
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            return new Invalid("hyphen-at-edge", "a label starts or ends with a hyphen");
        }
        return null;
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : String.valueOf(c);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String deviation(String s) {
        if (s.indexOf('\u00df') >= 0) {
            return "ß (sharp s)";
        }
        if (s.indexOf('\u03c2') >= 0) {
            return "ς (final sigma)";
        }
        if (s.indexOf('\u200d') >= 0) {
            return "a zero-width joiner";
        }
        if (s.indexOf('\u200c') >= 0) {
            return "a zero-width non-joiner";
        }
        return null;
    }
}
