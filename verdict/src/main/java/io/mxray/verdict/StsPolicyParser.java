package io.mxray.verdict;

import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.PolicyReason;
import io.mxray.schema.StsMode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an MTA-STS policy body (RFC 8461 section 3.2) as a sender does: {@code key: value} lines
 * ended by LF or CRLF (erratum 6253), {@code version: STSv1}, a {@code mode}, a {@code max_age}
 * of at most ten digits, and {@code mx} patterns, one per line; unknown fields are ignored, field
 * names are case-sensitive. Work is linear in the body, which the fetch has already bounded.
 */
public final class StsPolicyParser {
    /** RFC 8461 section 3.2: sts-policy-ext-name. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");

    private StsPolicyParser() {
    }

    /** A policy, or why the body is not one. */
    public sealed interface Parsed permits Valid, Invalid {
    }

    public record Valid(MtaStsPolicy policy) implements Parsed {
    }

    public record Invalid(PolicyReason reason) implements Parsed {
    }

    public static Parsed parse(String body) {
        String version = null;
        StsMode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int lineNo = 0;
        int from = 0;
        while (from < body.length()) {
            int nl = body.indexOf('\n', from);
            int end = nl < 0 ? body.length() : nl;
            String line = body.substring(from, end > from && body.charAt(end - 1) == '\r' ? end - 1 : end);
            from = end + 1;
            lineNo++;
            if (line.isEmpty()) {
                continue; // blank lines carry nothing; senders (and real policies) tolerate them
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !FIELD_NAME.matcher(line.substring(0, colon)).matches()) {
                return syntax("line-" + lineNo);
            }
            String name = line.substring(0, colon);
            String value = strip(line.substring(colon + 1));
            if (hasControl(value)) {
                return syntax("control-character-line-" + lineNo);
            }
            if (!name.equals("mx") && !seen.add(name)) {
                if (name.equals("version") || name.equals("mode") || name.equals("max_age")) {
                    return syntax(name.replace('_', '-') + "-repeated");
                }
                continue;
            }
            switch (name) {
                case "version" -> version = value;
                case "mode" -> {
                    mode = switch (value) {
                        case "enforce" -> StsMode.ENFORCE;
                        case "testing" -> StsMode.TESTING;
                        case "none" -> StsMode.NONE;
                        default -> null;
                    };
                    if (mode == null) {
                        return syntax("mode");
                    }
                }
                case "max_age" -> {
                    if (!MAX_AGE.matcher(value).matches()) {
                        return syntax("max-age");
                    }
                    maxAge = Long.parseLong(value);
                }
                case "mx" -> {
                    String pattern = value.toLowerCase(Locale.ROOT);
                    if (!validPattern(pattern)) {
                        return syntax("mx-line-" + lineNo);
                    }
                    mx.add(pattern);
                }
                default -> {
                    // RFC 8461 section 3.2: unknown fields are ignored
                }
            }
        }
        if (version == null) {
            return syntax("version-missing");
        }
        if (!version.equals("STSv1")) {
            return syntax("version");
        }
        if (mode == null) {
            return syntax("mode-missing");
        }
        if (maxAge == null) {
            return syntax("max-age-missing");
        }
        if (mx.isEmpty() && mode != StsMode.NONE) {
            return new Invalid(PolicyReason.of(PolicyReason.Key.MX_MISSING));
        }
        return new Valid(new MtaStsPolicy(mode, mx, maxAge));
    }

    /**
     * RFC 8461 section 4.1: whether {@code mxHost} matches {@code pattern}, literally (case
     * ignored) or, for {@code *.suffix}, as exactly one label in front of the suffix.
     */
    public static boolean matches(String pattern, String mxHost) {
        String host = trimDot(mxHost).toLowerCase(Locale.ROOT);
        String p = trimDot(pattern).toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            String suffix = p.substring(1); // ".example.com"
            if (!host.endsWith(suffix)) {
                return false;
            }
            String first = host.substring(0, host.length() - suffix.length());
            return !first.isEmpty() && first.indexOf('.') < 0;
        }
        return host.equals(p);
    }

    /** Whether any of the policy's patterns matches {@code mxHost}. */
    public static boolean matchesAny(MtaStsPolicy policy, String mxHost) {
        for (String p : policy.mx()) {
            if (matches(p, mxHost)) {
                return true;
            }
        }
        return false;
    }

    private static Invalid syntax(String what) {
        return new Invalid(new PolicyReason(PolicyReason.Key.SYNTAX, what));
    }

    /** Leading and trailing spaces and tabs (WSP), nothing else. */
    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** {@code ["*."] Domain}: letters, digits and hyphens in labels of 1 to 63, at most 253 in all. */
    static boolean validPattern(String p) {
        String name = p.startsWith("*.") ? p.substring(2) : p;
        if (name.isEmpty() || name.length() > DomainName.MAX_NAME_LENGTH) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > DomainName.MAX_LABEL_LENGTH
                    || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
