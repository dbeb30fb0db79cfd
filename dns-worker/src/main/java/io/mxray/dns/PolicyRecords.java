package io.mxray.dns;

import io.mxray.schema.DnssecStatus;
import io.mxray.schema.MtaStsTxt;
import io.mxray.schema.TlsRptTxt;
import io.mxray.schema.TxtStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the policy TXT records mail domains publish: MTA-STS (RFC 8461 section 3.1) and TLS-RPT
 * (RFC 8460 section 3). Pure; a record's strings are already joined. Only records that start
 * with the policy's version tag count; other TXT records at the name are ignored.
 */
public final class PolicyRecords {
    /** RFC 8461 3.1: sts-id = 1*32(ALPHA / DIGIT). */
    private static final Pattern STS_ID = Pattern.compile("[A-Za-z0-9]{1,32}");
    /** RFC 8461 3.1 / RFC 8460 3: field names. */
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    private PolicyRecords() {
    }

    public static MtaStsTxt mtaSts(List<String> txt, DnssecStatus dnssec) {
        List<String> ours = startingWith(txt, "v=STSv1");
        if (ours.isEmpty()) {
            return new MtaStsTxt(TxtStatus.NONE, null, null, dnssec, List.of());
        }
        if (ours.size() > 1) {
            return new MtaStsTxt(TxtStatus.MULTIPLE, null, "multiple-records", dnssec, ours);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String problem = fields(ours.get(0), fields);
        if (problem != null) {
            return new MtaStsTxt(TxtStatus.MALFORMED, null, problem, dnssec, ours);
        }
        String id = fields.get("id");
        if (id == null) {
            return new MtaStsTxt(TxtStatus.MALFORMED, null, "id-missing", dnssec, ours);
        }
        if (!STS_ID.matcher(id).matches()) {
            return new MtaStsTxt(TxtStatus.MALFORMED, null, "id-invalid", dnssec, ours);
        }
        return new MtaStsTxt(TxtStatus.VALID, id, null, dnssec, ours);
    }

    public static TlsRptTxt tlsRpt(List<String> txt, DnssecStatus dnssec) {
        List<String> ours = startingWith(txt, "v=TLSRPTv1");
        if (ours.isEmpty()) {
            return new TlsRptTxt(TxtStatus.NONE, null, null, dnssec, List.of());
        }
        if (ours.size() > 1) {
            return new TlsRptTxt(TxtStatus.MULTIPLE, null, "multiple-records", dnssec, ours);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        String problem = fields(ours.get(0), fields);
        if (problem != null) {
            return new TlsRptTxt(TxtStatus.MALFORMED, null, problem, dnssec, ours);
        }
        String rua = fields.get("rua");
        if (rua == null || rua.isBlank()) {
            return new TlsRptTxt(TxtStatus.MALFORMED, null, "rua-missing", dnssec, ours);
        }
        List<String> uris = new ArrayList<>();
        for (String u : rua.split(",", -1)) {
            String uri = u.strip();
            String lower = uri.toLowerCase(Locale.ROOT);
            // RFC 8460 3: mailto: or https: URIs
            boolean mailto = lower.startsWith("mailto:") && uri.length() > 7 && uri.indexOf('@') > 7;
            boolean https = lower.startsWith("https://") && uri.length() > 8;
            if (!mailto && !https) {
                return new TlsRptTxt(TxtStatus.MALFORMED, null, "rua-invalid", dnssec, ours);
            }
            uris.add(uri);
        }
        return new TlsRptTxt(TxtStatus.VALID, uris, null, dnssec, ours);
    }

    /** Records whose text starts with the version field (RFC 8461: "v=STSv1" then ";" or the end). */
    static List<String> startingWith(List<String> txt, String version) {
        List<String> out = new ArrayList<>();
        for (String t : txt) {
            if (t.startsWith(version) && (t.length() == version.length() || t.charAt(version.length()) == ';'
                    || Character.isWhitespace(t.charAt(version.length())))) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Splits {@code v=...; name=value; ...} into fields; null when well formed, else the reason.
     * The version field comes first; a trailing ";" is allowed; names are unique.
     */
    static String fields(String record, Map<String, String> out) {
        String[] parts = record.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty()) {
                if (i == parts.length - 1) {
                    continue; // a trailing separator
                }
                return "empty-field";
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return "field-without-value";
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (!FIELD_NAME.matcher(name).matches()) {
                return "field-name-invalid";
            }
            if (out.putIfAbsent(name, value) != null) {
                return "field-repeated";
            }
        }
        return null;
    }
}
