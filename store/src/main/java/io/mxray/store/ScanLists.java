package io.mxray.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lists of one scan as pages: every domain, the DANE hall of fame, the domains a DANE or an
 * MTA-STS sender cannot deliver to, the changes since the previous scan, and the MX hosts whose
 * certificates expire or whose TLSA covers only some keys. Each is read a page at a time, sorted by
 * one of its columns and filtered by level, DANE status, DANE delivery and provider (an MX host
 * suffix). The SQL text is this class's alone: a request chooses a list, a column and filters
 * by name from these definitions, and its values are bound.
 */
public final class ScanLists {
    /** Rows on a page unless asked otherwise, and at most. */
    public static final int PER_PAGE = 50;
    public static final int MAX_PER_PAGE = 500;
    /** A filter value: what a level, a status or a host name can be. */
    private static final Pattern VALUE = Pattern.compile("[a-z0-9._/-]{1,253}");
    private static final Pattern PARAM = Pattern.compile("\\{(scan|previous)}");

    /** What a list's rows are about, which decides the filters that apply. */
    public enum Kind { DOMAINS, HOSTS }

    /**
     * A column: its key in a request, its heading, and its SQL. A late column is computed only for
     * the rows of the page (its SQL reads the page's {@code p.k_scan}, {@code p.k_domain} or
     * {@code p.k_host}, {@code p.k_ip}) and cannot be sorted by.
     */
    public record Column(String key, String label, String sql, boolean late) {
        static Column of(String key, String label, String sql) {
            return new Column(key, label, sql, false);
        }

        static Column late(String key, String label, String sql) {
            return new Column(key, label, sql, true);
        }
    }

    /**
     * One list: {@code from} is the FROM and WHERE of its rows ({@code {scan}} and {@code {previous}}
     * stand for the bound scan ids), with alias {@code d} for a domain_result row or {@code h} for
     * an MX host address.
     */
    public record Definition(String name, String title, String note, Kind kind, String from, List<Column> columns,
                             String sort, boolean descending, boolean needsPrevious) {
        public Optional<Column> column(String key) {
            return columns.stream().filter(c -> c.key().equals(key) && !c.late()).findFirst();
        }
    }

    /** What a request asks of a list; null filters are not applied. */
    public record Query(String level, String dane, String delivery, String provider, String sort, boolean descending,
                        int page, int perPage) {
        public Query {
            level = value(level);
            dane = value(dane);
            delivery = value(delivery);
            provider = provider == null || provider.isBlank() ? null
                    : value(provider.strip().toLowerCase(Locale.ROOT).replaceAll("^\\.+|\\.+$", ""));
            page = Math.max(1, page);
            perPage = perPage < 1 ? PER_PAGE : Math.min(perPage, MAX_PER_PAGE);
        }

        public static Query first(Definition d) {
            return new Query(null, null, null, null, d.sort(), d.descending(), 1, PER_PAGE);
        }

        /** The filters that are set, by name, as a request carries them. */
        public Map<String, String> filters() {
            Map<String, String> out = new LinkedHashMap<>();
            put(out, "level", level);
            put(out, "dane", dane);
            put(out, "delivery", delivery);
            put(out, "provider", provider);
            return out;
        }

        private static void put(Map<String, String> m, String k, String v) {
            if (v != null) {
                m.put(k, v);
            }
        }

        /** A value a filter may hold, or null: anything else would match nothing. */
        private static String value(String v) {
            if (v == null || v.isBlank()) {
                return null;
            }
            String s = v.strip().toLowerCase(Locale.ROOT);
            if (!VALUE.matcher(s).matches()) {
                throw new IllegalArgumentException("not a filter value: " + v.strip());
            }
            return s;
        }
    }

    /** One page of a list: its rows (every value as text, null as empty) and how many rows match. */
    public record Page(Definition list, Query query, List<List<String>> rows, long total) {
        public int pages() {
            return (int) Math.max(1, (total + query.perPage() - 1) / query.perPage());
        }
    }

    /** Values the filters offer (a filter takes any value; these are the ones mxray writes). */
    public static final List<String> LEVELS = List.of("verified", "trusted", "untrusted", "plaintext", "tls-failed",
            "unreachable");
    public static final List<String> DANE = List.of("all", "some", "none", "n/a");
    public static final List<String> DELIVERY = List.of("deliver", "defer", "bounce");

    private static final String MX_HOSTS = "(SELECT string_agg(DISTINCT m.mx_host, ' ' ORDER BY m.mx_host) "
            + "FROM domain_mx m WHERE m.scan_id = p.k_scan AND m.domain = p.k_domain)";
    private static final String HOST_DOMAINS = "(SELECT count(DISTINCT m.domain) FROM domain_mx m "
            + "WHERE m.scan_id = p.k_scan AND m.mx_host = p.k_host AND m.ip = p.k_ip)";

    public static final List<Definition> ALL = List.of(
            new Definition("domains", "Every domain", "Each domain's verdict: the worst level of its MX host "
                    + "addresses, DANE on them, and what a DANE-enforcing sender would do.", Kind.DOMAINS,
                    "domain_result d WHERE d.scan_id = {scan}",
                    List.of(Column.of("domain", "domain", "d.domain"), Column.of("rank", "rank", "d.rank"),
                            Column.of("dns", "DNS", "d.dns_outcome"), Column.of("dnssec", "MX DNSSEC", "d.mx_dnssec"),
                            Column.of("starttls", "STARTTLS", "d.starttls"), Column.of("level", "level", "d.worst_level"),
                            Column.of("dane", "DANE", "d.dane"), Column.of("delivery", "DANE sender", "d.dane_delivery"),
                            Column.of("sts", "MTA-STS", "d.sts_mode"), Column.late("mx", "MX hosts", MX_HOSTS)),
                    "domain", false, false),
            new Definition("hall-of-fame", "DANE hall of fame", "Every MX host address DANE-verified.", Kind.DOMAINS,
                    "domain_result d WHERE d.scan_id = {scan} AND d.dane = 'all'",
                    List.of(Column.of("domain", "domain", "d.domain"), Column.of("rank", "rank", "d.rank"),
                            Column.of("dnssec", "MX DNSSEC", "d.mx_dnssec"), Column.of("level", "level", "d.worst_level"),
                            Column.late("mx", "MX hosts", MX_HOSTS)),
                    "rank", false, false),
            new Definition("dane-undeliverable", "Domains that lose mail from a DANE-enforcing sender",
                    "It defers the mail (RFC 7672): the reason names what failed.", Kind.DOMAINS,
                    "domain_result d WHERE d.scan_id = {scan} AND d.dane_delivery = 'defer'",
                    List.of(Column.of("domain", "domain", "d.domain"), Column.of("rank", "rank", "d.rank"),
                            Column.of("reason", "reason", "d.dane_delivery_reason"),
                            Column.of("dnssec-reason", "DNSSEC reason", "d.mx_dnssec_reason"),
                            Column.of("level", "level", "d.worst_level"), Column.late("mx", "MX hosts", MX_HOSTS)),
                    "domain", false, false),
            new Definition("sts-undeliverable", "Domains that lose mail from an MTA-STS-enforcing sender",
                    "An enforce policy that no MX host satisfies (RFC 8461 section 5): the sender holds the mail "
                            + "and returns it when its queue gives up.", Kind.DOMAINS,
                    "domain_result d WHERE d.scan_id = {scan} AND d.sts_delivery = 'bounce'",
                    List.of(Column.of("domain", "domain", "d.domain"), Column.of("rank", "rank", "d.rank"),
                            Column.of("reason", "reason", "d.sts_delivery_reason"),
                            Column.of("patterns", "policy's mx patterns", "array_to_string(d.sts_mx, ' ')"),
                            Column.late("mx", "MX hosts", MX_HOSTS)),
                    "domain", false, false),
            new Definition("changes", "Changes since the previous scan", "Each property a domain gained or lost, and "
                    + "its MTA-STS policy when that changed.", Kind.DOMAINS,
                    "(SELECT domain, property, CASE WHEN after THEN 'gained' ELSE 'lost' END AS change "
                            + "FROM scan_diff({previous}, {scan}) UNION ALL SELECT domain, 'mta_sts_policy', "
                            + "concat(coalesce(before_mode, 'no policy'), ' ', coalesce(before_id, ''), ' -> ', "
                            + "coalesce(after_mode, 'no policy'), ' ', coalesce(after_id, '')) "
                            + "FROM mta_sts_changes({previous}, {scan})) x "
                            // a domain no longer in the scan is listed too ("scanned", lost), with no level now
                            + "LEFT JOIN domain_result r ON r.scan_id = {scan} AND r.domain = x.domain "
                            + "CROSS JOIN LATERAL (SELECT {scan}::text AS scan_id, x.domain AS domain, r.worst_level, "
                            + "r.dane, r.dane_delivery) d",
                    List.of(Column.of("domain", "domain", "d.domain"), Column.of("property", "property", "x.property"),
                            Column.of("change", "change", "x.change"), Column.of("level", "level now", "d.worst_level"),
                            Column.of("dane", "DANE now", "d.dane")),
                    "domain", false, true),
            new Definition("expiring", "Certificates expiring within 30 days", "The leaf each MX host address "
                    + "presented, counted from the scan's start.", Kind.HOSTS,
                    "mx_host_result h JOIN scan s ON s.scan_id = h.scan_id JOIN certificate c ON c.sha256 = h.chain[1] "
                            + "WHERE h.scan_id = {scan} AND c.not_after >= s.started_at "
                            + "AND c.not_after < s.started_at + interval '30 days'",
                    List.of(Column.of("host", "MX host", "h.mx_host"), Column.of("ip", "address", "h.ip"),
                            Column.of("expires", "expires", "c.not_after"), Column.of("subject", "subject", "c.subject"),
                            Column.late("domains", "domains", HOST_DOMAINS)),
                    "expires", false, false),
            new Definition("partial-keys", "Dual-key servers whose TLSA covers only some keys", "The server presents "
                    + "the key a sender's signature algorithms ask for: DANE senders that get a key no record matches "
                    + "do not deliver.", Kind.HOSTS,
                    "mx_host_result h WHERE h.scan_id = {scan} AND h.dane_all_certificates = 'partial'",
                    List.of(Column.of("host", "MX host", "h.mx_host"), Column.of("ip", "address", "h.ip"),
                            Column.late("matched", "keys matched", keys(true)),
                            Column.late("not-matched", "keys not matched", keys(false)),
                            Column.late("domains", "domains", HOST_DOMAINS)),
                    "host", false, false));

    private ScanLists() {
    }

    private static String keys(boolean matched) {
        return "(SELECT string_agg(c.key_type, ' ' ORDER BY c.key_type) FROM mx_host_certificate c "
                + "WHERE c.scan_id = p.k_scan AND c.ip = p.k_ip AND c.mx_host = p.k_host AND c.port = p.k_port AND "
                + (matched ? "c.dane = 'valid')" : "c.dane IS DISTINCT FROM 'valid')");
    }

    public static Optional<Definition> named(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /**
     * One page of {@code list} in scan {@code scanId}; {@code previous} is the scan before it
     * (null: none, and a list that compares with it is empty).
     */
    public static Page load(Connection c, String scanId, String previous, Definition list, Query q)
            throws SQLException {
        if (list.needsPrevious() && previous == null) {
            return new Page(list, q, List.of(), 0);
        }
        List<String> args = new ArrayList<>();
        String fromWhere = fromWhere(list, scanId, previous, q, args);
        if (list.needsPrevious()) {
            // a comparison of two scans (a full join of both): worked out once, for the page and its
            // count together, the count riding on each row. Not so a filtered list: its page stops
            // at the rows it needs, in index order, where a count on each row would read them all
            Rows page = rows(c, list, q, fromWhere, args, true);
            if (!page.rows().isEmpty() || q.page() == 1) {
                return new Page(list, q, page.rows(), page.total());
            }
            return new Page(list, q, List.of(), count(c, fromWhere, args)); // a page past the end
        }
        long total = count(c, fromWhere, args);
        return new Page(list, q, total == 0 ? List.of() : rows(c, list, q, fromWhere, args, false).rows(), total);
    }

    /** A page's rows and, when asked for with them, the count of all rows (else -1). */
    private record Rows(List<List<String>> rows, long total) {
    }

    /** The list's FROM and WHERE with the query's filters; their values appended to {@code args}. */
    private static String fromWhere(Definition list, String scanId, String previous, Query q, List<String> args) {
        String from = bind(list.from(), scanId, previous, args);
        StringBuilder where = new StringBuilder();
        filters(list.kind(), scanId, q, where, args);
        return from + where;
    }

    private static long count(Connection c, String fromWhere, List<String> args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + fromWhere)) {
            set(s, args, 0);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private static Rows rows(Connection c, Definition list, Query q, String fromWhere, List<String> args,
                             boolean counted) throws SQLException {
        Column sort = list.column(q.sort()).orElseGet(() -> list.column(list.sort()).orElseThrow());
        String direction = q.descending() ? " DESC NULLS LAST" : " ASC NULLS LAST";
        String keys = list.kind() == Kind.DOMAINS ? "d.scan_id AS k_scan, d.domain AS k_domain"
                : "h.scan_id AS k_scan, h.mx_host AS k_host, h.ip AS k_ip, h.port AS k_port";
        String tie = list.kind() == Kind.DOMAINS ? "d.domain" : "h.mx_host, h.ip";
        StringBuilder inner = new StringBuilder("SELECT ").append(keys);
        StringBuilder outer = new StringBuilder("SELECT ");
        for (int i = 0; i < list.columns().size(); i++) {
            Column col = list.columns().get(i);
            outer.append(i == 0 ? "" : ", ");
            if (col.late()) {
                outer.append(col.sql());
            } else {
                inner.append(", ").append(col.sql()).append(" AS c").append(i);
                outer.append("p.c").append(i);
            }
        }
        if (counted) {
            inner.append(", count(*) OVER () AS k_total");
        }
        inner.append(" FROM ").append(fromWhere).append(" ORDER BY ").append(sort.sql()).append(direction)
                .append(", ").append(tie).append(" LIMIT ? OFFSET ?");
        if (counted) {
            outer.append(", p.k_total");
        }
        outer.append(" FROM (").append(inner).append(") p");
        try (PreparedStatement s = c.prepareStatement(outer.toString())) {
            int n = set(s, args, 0);
            s.setInt(n + 1, q.perPage());
            s.setLong(n + 2, (long) (q.page() - 1) * q.perPage());
            List<List<String>> out = new ArrayList<>();
            long total = counted ? 0 : -1;
            try (ResultSet r = s.executeQuery()) {
                int columns = list.columns().size();
                while (r.next()) {
                    List<String> row = new ArrayList<>(columns);
                    for (int i = 1; i <= columns; i++) {
                        String v = r.getString(i);
                        row.add(v == null ? "" : v);
                    }
                    out.add(row);
                    if (counted) {
                        total = r.getLong(columns + 1);
                    }
                }
            }
            return new Rows(out, total);
        }
    }

    /** The filters that apply to this kind of list, as SQL on bound values. */
    private static void filters(Kind kind, String scanId, Query q, StringBuilder where, List<String> args) {
        String host = kind == Kind.DOMAINS ? "m.mx_host" : "h.mx_host";
        if (kind == Kind.DOMAINS) {
            if (q.level() != null) {
                where.append(" AND d.worst_level = ?");
                args.add(q.level());
            }
            if (q.dane() != null) {
                where.append(" AND d.dane = ?");
                args.add(q.dane());
            }
            if (q.delivery() != null) {
                where.append(" AND d.dane_delivery = ?");
                args.add(q.delivery());
            }
        }
        if (q.provider() != null) {
            String match = "(" + host + " = ? OR right(" + host + ", ?::int) = ?)";
            // the scan's id bound, not d.scan_id: the planner reads that scan's partition of domain_mx only
            where.append(kind == Kind.DOMAINS ? " AND EXISTS (SELECT 1 FROM domain_mx m WHERE m.scan_id = ? "
                    + "AND m.domain = d.domain AND " + match + ")" : " AND " + match);
            if (kind == Kind.DOMAINS) {
                args.add(scanId);
            }
            args.add(q.provider());
            args.add(String.valueOf(q.provider().length() + 1));
            args.add("." + q.provider());
        }
    }

    /** {@code {scan}} and {@code {previous}} as placeholders, their values appended to {@code args}. */
    private static String bind(String sql, String scanId, String previous, List<String> args) {
        Matcher m = PARAM.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            args.add(m.group(1).equals("scan") ? scanId : previous);
            m.appendReplacement(out, "?");
        }
        m.appendTail(out);
        return out.toString();
    }

    private static int set(PreparedStatement s, List<String> args, int from) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            s.setString(from + i + 1, args.get(i));
        }
        return from + args.size();
    }

    /**
     * How many rows each list holds in the scan, unfiltered, by name; not the lists that compare
     * with the previous scan, whose count is a comparison of both scans (seconds at 200,000 domains).
     */
    public static Map<String, Long> totals(Connection c, String scanId, String previous) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Definition d : ALL) {
            if (d.needsPrevious()) {
                continue;
            }
            List<String> args = new ArrayList<>();
            out.put(d.name(), count(c, fromWhere(d, scanId, previous, Query.first(d), args), args));
        }
        return out;
    }

    /** The scan of a list started before {@code scanId}, or null (a domain checked from the web is no such scan). */
    public static String previous(Connection c, String scanId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT scan_id FROM scan WHERE kind = 'list' AND started_at < "
                + "(SELECT started_at FROM scan WHERE scan_id = ?) ORDER BY started_at DESC, scan_id DESC LIMIT 1")) {
            s.setString(1, scanId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }
}
