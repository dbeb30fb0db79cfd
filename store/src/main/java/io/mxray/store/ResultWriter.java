package io.mxray.store;

import io.mxray.schema.DaneResult;
import io.mxray.schema.DomainResult;
import io.mxray.schema.KeyType;
import io.mxray.schema.Keyed;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.PresentedCertificate;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.RejectedLine;
import io.mxray.schema.ScanEvent;
import io.mxray.schema.SecondHandshake;
import io.mxray.schema.StsVerdict;
import io.mxray.schema.TlsVersionResult;
import io.mxray.schema.TlsaLookup;
import io.mxray.schema.TlsaRecord;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Writes messages as rows, idempotently: every statement is an upsert on the row's natural key,
 * so writing the same message twice (a replay after a crash) leaves the same rows. The caller
 * owns the transaction.
 *
 * <p>Batches go to the server as multi-row statements ({@link Database#connect}), and one
 * {@code INSERT ... ON CONFLICT DO UPDATE} may not touch a row twice: messages with the same key
 * in one call (a replay next to the original, a host listed twice in an MX answer) are reduced
 * to the last of them first, which is what row-by-row upserts left too.
 */
public final class ResultWriter {
    private final Connection c;
    private final Set<String> partitioned;

    public ResultWriter(Connection c) {
        this(c, new HashSet<>());
    }

    /**
     * @param partitioned the scans whose partitions are known to exist: kept by a caller that
     *     writes many batches, and added to here. A caller whose transaction rolls back forgets them.
     */
    public ResultWriter(Connection c, Set<String> partitioned) {
        this.c = c;
        this.partitioned = partitioned;
    }

    /**
     * Makes the partitions of these scans unless they are known to exist (the result tables are
     * partitioned by scan, migration V11). Every write does it for its own rows; a caller that
     * keeps writing calls it first in a transaction of its own, since making a partition locks its
     * table against readers until the transaction ends.
     */
    public void partitions(Collection<String> scanIds) throws SQLException {
        List<String> missing = scanIds.stream().distinct().filter(id -> !partitioned.contains(id)).toList();
        if (missing.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT create_scan_partitions(?)")) {
            for (String id : missing) {
                s.setString(1, id);
                s.executeQuery().close();
            }
        }
        partitioned.addAll(missing);
    }

    public void scanEvents(List<ScanEvent> all) throws SQLException {
        if (all.isEmpty()) {
            return;
        }
        // a scan starts once; the last of its published counts wins
        List<ScanEvent> events = lastByKey(all, e -> e.kind() + " " + e.scanId());
        try (PreparedStatement started = c.prepareStatement("""
                INSERT INTO scan (scan_id, source, started_at) VALUES (?, ?, ?)
                ON CONFLICT (scan_id) DO NOTHING""");
             PreparedStatement published = c.prepareStatement("""
                INSERT INTO scan (scan_id, source, started_at, published_at, lines, accepted, rejected, duplicates, ignored)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id) DO UPDATE SET published_at = EXCLUDED.published_at, lines = EXCLUDED.lines,
                  accepted = EXCLUDED.accepted, rejected = EXCLUDED.rejected, duplicates = EXCLUDED.duplicates,
                  ignored = EXCLUDED.ignored""")) {
            for (ScanEvent e : events) {
                if (e.kind() == ScanEvent.Kind.STARTED) {
                    started.setString(1, e.scanId());
                    started.setString(2, e.source());
                    started.setTimestamp(3, ts(e.at()));
                    started.addBatch();
                } else {
                    var n = e.counts();
                    published.setString(1, e.scanId());
                    published.setString(2, e.source());
                    published.setTimestamp(3, ts(e.at())); // only used if STARTED was never seen
                    published.setTimestamp(4, ts(e.at()));
                    published.setLong(5, n.lines());
                    published.setLong(6, n.accepted());
                    published.setLong(7, n.rejected());
                    published.setLong(8, n.duplicates());
                    published.setLong(9, n.ignored());
                    published.addBatch();
                }
            }
            started.executeBatch();
            published.executeBatch();
        }
    }

    public void rejected(List<RejectedLine> all) throws SQLException {
        if (all.isEmpty()) {
            return;
        }
        List<RejectedLine> lines = lastByKey(all, r -> r.lineNo() + " " + r.scanId());
        partitions(lines.stream().map(RejectedLine::scanId).toList());
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO rejected_input (scan_id, line_no, line, reason, detail) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, line_no) DO UPDATE SET line = EXCLUDED.line, reason = EXCLUDED.reason,
                  detail = EXCLUDED.detail""")) {
            for (RejectedLine r : lines) {
                s.setString(1, r.scanId());
                s.setLong(2, r.lineNo());
                s.setString(3, noNul(r.line()));
                s.setString(4, r.reason());
                s.setString(5, noNul(r.detail()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public void probeResults(List<ProbeResult> all) throws SQLException {
        if (all.isEmpty()) {
            return;
        }
        List<ProbeResult> results = lastByKey(all, r -> Arrays.asList(r.scanId(), r.ip(), r.port(), r.mxHost()));
        partitions(results.stream().map(ProbeResult::scanId).toList());
        try (PreparedStatement cert = c.prepareStatement("""
                INSERT INTO certificate (sha256, der, subject, issuer, not_before, not_after) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (sha256) DO NOTHING""");
             PreparedStatement host = c.prepareStatement("""
                INSERT INTO mx_host_result (scan_id, ip, port, mx_host, outcome, reason, level, cert_type, decided_by,
                  banner, ehlo, tls_protocol, tls_cipher, sni, chain, connect_ms, banner_ms, ehlo_ms, starttls_ms,
                  handshake_ms, total_ms, probed_at, dane, dane_check, dane_matched, dane_reason, tls_group,
                  tls_legacy, truncated, pkix, dane_all_certificates, second_handshake, second_handshake_offered,
                  second_handshake_reason, tls_accepted, tls_refused, shared_chain_of)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                  ?, ?, ?)
                ON CONFLICT (scan_id, ip, port, mx_host) DO UPDATE SET outcome = EXCLUDED.outcome,
                  reason = EXCLUDED.reason, level = EXCLUDED.level, cert_type = EXCLUDED.cert_type,
                  decided_by = EXCLUDED.decided_by, banner = EXCLUDED.banner, ehlo = EXCLUDED.ehlo,
                  tls_protocol = EXCLUDED.tls_protocol, tls_cipher = EXCLUDED.tls_cipher, sni = EXCLUDED.sni,
                  chain = EXCLUDED.chain, connect_ms = EXCLUDED.connect_ms, banner_ms = EXCLUDED.banner_ms,
                  ehlo_ms = EXCLUDED.ehlo_ms, starttls_ms = EXCLUDED.starttls_ms,
                  handshake_ms = EXCLUDED.handshake_ms, total_ms = EXCLUDED.total_ms,
                  probed_at = EXCLUDED.probed_at, dane = EXCLUDED.dane, dane_check = EXCLUDED.dane_check,
                  dane_matched = EXCLUDED.dane_matched, dane_reason = EXCLUDED.dane_reason,
                  tls_group = EXCLUDED.tls_group, tls_legacy = EXCLUDED.tls_legacy,
                  truncated = EXCLUDED.truncated, pkix = EXCLUDED.pkix,
                  dane_all_certificates = EXCLUDED.dane_all_certificates, second_handshake = EXCLUDED.second_handshake,
                  second_handshake_offered = EXCLUDED.second_handshake_offered,
                  second_handshake_reason = EXCLUDED.second_handshake_reason, tls_accepted = EXCLUDED.tls_accepted,
                  tls_refused = EXCLUDED.tls_refused, shared_chain_of = EXCLUDED.shared_chain_of""");
             PreparedStatement presented = c.prepareStatement("""
                INSERT INTO mx_host_certificate (scan_id, ip, port, mx_host, key_type, protocol, chain, pkix, cert_type,
                  dane, dane_check, dane_matched, dane_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, ip, port, mx_host, key_type) DO UPDATE SET protocol = EXCLUDED.protocol,
                  chain = EXCLUDED.chain, pkix = EXCLUDED.pkix, cert_type = EXCLUDED.cert_type, dane = EXCLUDED.dane,
                  dane_check = EXCLUDED.dane_check, dane_matched = EXCLUDED.dane_matched,
                  dane_reason = EXCLUDED.dane_reason""")) {
            for (ProbeResult r : results) {
                String[] chain = new String[0];
                if (r.tls() != null) {
                    List<String> ders = r.tls().chainDer();
                    chain = new String[ders.size()];
                    for (int i = 0; i < chain.length; i++) {
                        chain[i] = certificate(cert, ders.get(i));
                    }
                }
                int i = 1;
                host.setString(i++, r.scanId());
                host.setString(i++, r.ip());
                host.setInt(i++, r.port());
                host.setString(i++, r.mxHost());
                host.setString(i++, r.outcome().key());
                host.setString(i++, r.reason());
                host.setString(i++, r.level() == null ? null : r.level().key());
                host.setString(i++, r.certType() == null ? null : r.certType().key());
                host.setString(i++, r.decidedBy());
                host.setString(i++, r.banner().isEmpty() ? null : noNul(String.join("\n", r.banner())));
                host.setArray(i++, c.createArrayOf("text", r.ehlo().toArray()));
                host.setString(i++, r.tls() == null ? null : r.tls().protocol());
                host.setString(i++, r.tls() == null ? null : r.tls().cipher());
                host.setString(i++, r.tls() == null ? null : r.tls().sni());
                host.setArray(i++, r.tls() == null ? null : c.createArrayOf("text", chain));
                var t = r.timings();
                setLong(host, i++, t == null ? null : t.connectMs());
                setLong(host, i++, t == null ? null : t.bannerMs());
                setLong(host, i++, t == null ? null : t.ehloMs());
                setLong(host, i++, t == null ? null : t.starttlsMs());
                setLong(host, i++, t == null ? null : t.handshakeMs());
                host.setLong(i++, t == null ? 0 : t.totalMs());
                host.setTimestamp(i++, ts(r.probedAt()));
                i = dane(host, i, r.dane());
                host.setString(i++, r.tls() == null ? null : r.tls().group());
                host.setString(i++, r.tls() == null ? null : r.tls().legacy());
                host.setArray(i++, r.truncated() == null ? null : c.createArrayOf("text", r.truncated().toArray()));
                host.setString(i++, key(r.pkix()));
                host.setString(i++, r.dane() == null ? null : key(r.dane().allCertificates()));
                SecondHandshake second = r.secondHandshake();
                host.setString(i++, second == null ? null : second.outcome().key());
                host.setString(i++, second == null ? null : key(second.offered()));
                host.setString(i++, second == null ? null : second.reason());
                host.setArray(i++, versions(r, TlsVersionResult.ACCEPTED));
                host.setArray(i++, versions(r, TlsVersionResult.REFUSED));
                host.setString(i, r.sharedChainOf());
                host.addBatch();
                Set<KeyType> keyTypes = new HashSet<>();
                for (PresentedCertificate p : r.certificates()) {
                    if (!keyTypes.add(p.keyType())) {
                        continue; // the table's key: one chain per key type
                    }
                    String[] shas = new String[p.chainDer().size()];
                    for (int k = 0; k < shas.length; k++) {
                        shas[k] = certificate(cert, p.chainDer().get(k));
                    }
                    int j = 1;
                    presented.setString(j++, r.scanId());
                    presented.setString(j++, r.ip());
                    presented.setInt(j++, r.port());
                    presented.setString(j++, r.mxHost());
                    presented.setString(j++, p.keyType().key());
                    presented.setString(j++, p.protocol());
                    presented.setArray(j++, c.createArrayOf("text", shas));
                    presented.setString(j++, key(p.pkix()));
                    presented.setString(j++, key(p.certType()));
                    dane(presented, j, p.dane());
                    presented.addBatch();
                }
            }
            cert.executeBatch();
            host.executeBatch();
            presented.executeBatch();
        }
    }

    /** The TLS versions of a probe with this result, or null when they were not measured. */
    private Array versions(ProbeResult r, String result) throws SQLException {
        if (r.tlsVersions().isEmpty()) {
            return null;
        }
        return c.createArrayOf("text", r.tlsVersions().entrySet().stream().filter(e -> e.getValue().equals(result))
                .map(Map.Entry::getKey).toArray());
    }

    /** Adds the certificate (once, by fingerprint) to the batch and returns its fingerprint. */
    private static String certificate(PreparedStatement s, String base64) throws SQLException {
        byte[] der = Base64.getDecoder().decode(base64);
        String sha = sha256(der);
        try {
            X509Certificate x = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            s.setString(1, sha);
            s.setBytes(2, der);
            s.setString(3, x.getSubjectX500Principal().getName());
            s.setString(4, x.getIssuerX500Principal().getName());
            s.setTimestamp(5, new Timestamp(x.getNotBefore().getTime()));
            s.setTimestamp(6, new Timestamp(x.getNotAfter().getTime()));
            s.addBatch();
        } catch (CertificateException e) {
            // an unparsable certificate keeps its fingerprint in the chain; its row is not written
        }
        return sha;
    }

    public void domainResults(List<DomainResult> all) throws SQLException {
        if (all.isEmpty()) {
            return;
        }
        List<DomainResult> results = lastByKey(all, r -> Arrays.asList(r.scanId(), r.domain()));
        partitions(results.stream().map(DomainResult::scanId).toList());
        Map<String, List<String>> byScan = new TreeMap<>();
        results.forEach(r -> byScan.computeIfAbsent(r.scanId(), k -> new ArrayList<>()).add(r.domain()));
        lockStats(byScan.keySet());
        Map<List<String>, Long> before = statCounts(byScan);
        try (PreparedStatement domain = c.prepareStatement("""
                INSERT INTO domain_result (scan_id, domain, rank, dns_outcome, dns_reason, mx_count, worst_level,
                  best_level, starttls, finalized_at, mx_dnssec, mx_dnssec_reason, mta_sts, mta_sts_id, mta_sts_reason,
                  tls_rpt, tls_rpt_rua, tls_rpt_reason, dns_lookups, dane, dane_delivery, dane_delivery_reason,
                  missing_probes, truncated, dane_all_certificates, sts_policy_id, sts_policy, sts_policy_reason,
                  sts_mode, sts_mx, sts_max_age, sts_delivery, sts_delivery_reason, delivery, delivery_reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                        ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, domain) DO UPDATE SET rank = EXCLUDED.rank, dns_outcome = EXCLUDED.dns_outcome,
                  dns_reason = EXCLUDED.dns_reason, mx_count = EXCLUDED.mx_count, worst_level = EXCLUDED.worst_level,
                  best_level = EXCLUDED.best_level, starttls = EXCLUDED.starttls,
                  finalized_at = EXCLUDED.finalized_at, mx_dnssec = EXCLUDED.mx_dnssec,
                  mx_dnssec_reason = EXCLUDED.mx_dnssec_reason, mta_sts = EXCLUDED.mta_sts,
                  mta_sts_id = EXCLUDED.mta_sts_id, mta_sts_reason = EXCLUDED.mta_sts_reason,
                  tls_rpt = EXCLUDED.tls_rpt, tls_rpt_rua = EXCLUDED.tls_rpt_rua,
                  tls_rpt_reason = EXCLUDED.tls_rpt_reason, dns_lookups = EXCLUDED.dns_lookups,
                  dane = EXCLUDED.dane, dane_delivery = EXCLUDED.dane_delivery,
                  dane_delivery_reason = EXCLUDED.dane_delivery_reason, missing_probes = EXCLUDED.missing_probes,
                  truncated = EXCLUDED.truncated, dane_all_certificates = EXCLUDED.dane_all_certificates,
                  sts_policy_id = EXCLUDED.sts_policy_id, sts_policy = EXCLUDED.sts_policy,
                  sts_policy_reason = EXCLUDED.sts_policy_reason, sts_mode = EXCLUDED.sts_mode,
                  sts_mx = EXCLUDED.sts_mx, sts_max_age = EXCLUDED.sts_max_age, sts_delivery = EXCLUDED.sts_delivery,
                  sts_delivery_reason = EXCLUDED.sts_delivery_reason, delivery = EXCLUDED.delivery,
                  delivery_reason = EXCLUDED.delivery_reason""");
             PreparedStatement clear = c.prepareStatement(
                     "DELETE FROM domain_mx WHERE scan_id = ? AND domain = ANY (?)");
             PreparedStatement mx = c.prepareStatement("""
                INSERT INTO domain_mx (scan_id, domain, mx_host, preference, ip, level, cert_type, outcome, reason,
                  address_dnssec, tlsa_decision, tlsa_base, tlsa_outcome, tlsa_dnssec, tlsa_usable, dane, dane_check,
                  dane_matched, dane_reason, pkix, dane_all_certificates, sts_match, sts_valid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, domain, mx_host, ip) DO UPDATE SET preference = EXCLUDED.preference,
                  level = EXCLUDED.level, cert_type = EXCLUDED.cert_type, outcome = EXCLUDED.outcome,
                  reason = EXCLUDED.reason, address_dnssec = EXCLUDED.address_dnssec,
                  tlsa_decision = EXCLUDED.tlsa_decision, tlsa_base = EXCLUDED.tlsa_base,
                  tlsa_outcome = EXCLUDED.tlsa_outcome, tlsa_dnssec = EXCLUDED.tlsa_dnssec,
                  tlsa_usable = EXCLUDED.tlsa_usable, dane = EXCLUDED.dane, dane_check = EXCLUDED.dane_check,
                  dane_matched = EXCLUDED.dane_matched, dane_reason = EXCLUDED.dane_reason, pkix = EXCLUDED.pkix,
                  dane_all_certificates = EXCLUDED.dane_all_certificates, sts_match = EXCLUDED.sts_match,
                  sts_valid = EXCLUDED.sts_valid""");
             PreparedStatement tlsa = c.prepareStatement("""
                INSERT INTO tlsa_record (scan_id, base, usage, selector, matching, data, usable, unusable_reason, dnssec)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, base, usage, selector, matching, sha256(decode(data, 'hex'))) DO NOTHING""")) {
            Map<String, List<String>> cleared = new LinkedHashMap<>();
            for (DomainResult r : results) {
                int i = 1;
                domain.setString(i++, r.scanId());
                domain.setString(i++, r.domain());
                setLong(domain, i++, r.rank());
                domain.setString(i++, r.dnsOutcome().key());
                domain.setString(i++, r.dnsReason());
                domain.setInt(i++, (int) r.mxHosts().stream().map(MxHostVerdict::mxHost).distinct().count());
                domain.setString(i++, key(r.worstLevel()));
                domain.setString(i++, key(r.bestLevel()));
                domain.setString(i++, r.starttls().key());
                domain.setTimestamp(i++, ts(r.finalizedAt()));
                domain.setString(i++, key(r.mxDnssec()));
                domain.setString(i++, r.mxDnssecReason());
                domain.setString(i++, r.mtaSts() == null ? null : r.mtaSts().status().key());
                domain.setString(i++, r.mtaSts() == null ? null : noNul(r.mtaSts().id()));
                domain.setString(i++, r.mtaSts() == null ? null : r.mtaSts().reason());
                domain.setString(i++, r.tlsRpt() == null ? null : r.tlsRpt().status().key());
                domain.setArray(i++, r.tlsRpt() == null ? null : c.createArrayOf("text",
                        r.tlsRpt().rua().stream().map(ResultWriter::noNul).toArray()));
                domain.setString(i++, r.tlsRpt() == null ? null : r.tlsRpt().reason());
                domain.setInt(i++, r.dnsLookups());
                domain.setString(i++, key(r.dane()));
                domain.setString(i++, key(r.daneDelivery()));
                domain.setString(i++, r.daneDeliveryReason());
                domain.setArray(i++, r.incomplete() ? c.createArrayOf("text", r.missingProbes().toArray()) : null);
                domain.setArray(i++, r.truncated() == null ? null : c.createArrayOf("text", r.truncated().toArray()));
                domain.setString(i++, key(r.daneAllCertificates()));
                StsVerdict sts = r.mtaStsVerdict();
                domain.setString(i++, sts == null ? null : noNul(sts.policyId()));
                domain.setString(i++, sts == null ? null : key(sts.status()));
                domain.setString(i++, sts == null ? null : noNul(sts.reason()));
                domain.setString(i++, sts == null ? null : key(sts.mode()));
                domain.setArray(i++, sts == null || sts.mx() == null ? null : c.createArrayOf("text",
                        sts.mx().stream().map(ResultWriter::noNul).toArray()));
                setLong(domain, i++, sts == null ? null : sts.maxAge());
                domain.setString(i++, sts == null ? null : key(sts.delivery()));
                domain.setString(i++, sts == null ? null : sts.deliveryReason());
                domain.setString(i++, key(r.delivery()));
                domain.setString(i, r.deliveryReason());
                domain.addBatch();
                // the domain's MX rows are replaced as a whole: a replay cannot leave stale rows
                cleared.computeIfAbsent(r.scanId(), k -> new ArrayList<>()).add(r.domain());
                // a host's TLSA lookup comes with its first row (once per host): every row gets its columns
                Map<String, TlsaLookup> tlsaOf = new HashMap<>();
                for (MxHostVerdict h : r.mxHosts()) {
                    if (h.tlsa() != null) {
                        tlsaOf.putIfAbsent(h.mxHost(), h.tlsa());
                    }
                }
                Set<String> recordsWritten = new HashSet<>();
                // the table's key: one row per (MX host, address) even if the answer named a host twice
                for (MxHostVerdict h : lastByKey(r.mxHosts(),
                        h -> Arrays.asList(h.mxHost(), h.ip() == null ? "" : h.ip()))) {
                    TlsaLookup t = tlsaOf.get(h.mxHost());
                    int j = 1;
                    mx.setString(j++, r.scanId());
                    mx.setString(j++, r.domain());
                    mx.setString(j++, h.mxHost());
                    mx.setInt(j++, h.preference());
                    mx.setString(j++, h.ip() == null ? "" : h.ip());
                    mx.setString(j++, key(h.level()));
                    mx.setString(j++, key(h.certType()));
                    mx.setString(j++, h.outcome().key());
                    mx.setString(j++, h.reason());
                    mx.setString(j++, key(h.addressDnssec()));
                    mx.setString(j++, t == null ? null : t.decision().key());
                    mx.setString(j++, t == null ? null : t.base());
                    mx.setString(j++, t == null ? null : key(t.outcome()));
                    mx.setString(j++, t == null ? null : key(t.dnssec()));
                    if (t == null || !t.lookedUp()) {
                        mx.setNull(j++, Types.INTEGER);
                    } else {
                        mx.setInt(j++, (int) t.records().stream().filter(TlsaRecord::usable).count());
                    }
                    j = dane(mx, j, h.dane());
                    mx.setString(j++, key(h.pkix()));
                    mx.setString(j++, h.dane() == null ? null : key(h.dane().allCertificates()));
                    mx.setString(j++, key(h.mtaSts()));
                    if (h.mtaStsValid() == null) {
                        mx.setNull(j, Types.BOOLEAN);
                    } else {
                        mx.setBoolean(j, h.mtaStsValid());
                    }
                    mx.addBatch();
                    if (t != null && recordsWritten.add(h.mxHost())) {
                        for (TlsaRecord rec : t.records()) {
                            tlsa.setString(1, r.scanId());
                            tlsa.setString(2, t.base());
                            tlsa.setInt(3, rec.usage());
                            tlsa.setInt(4, rec.selector());
                            tlsa.setInt(5, rec.matching());
                            tlsa.setString(6, rec.data());
                            tlsa.setBoolean(7, rec.usable());
                            tlsa.setString(8, rec.unusableReason());
                            tlsa.setString(9, key(t.dnssec()));
                            tlsa.addBatch();
                        }
                    }
                }
            }
            domain.executeBatch();
            for (var e : cleared.entrySet()) { // one statement per scan in the batch, not one per domain
                clear.setString(1, e.getKey());
                clear.setArray(2, c.createArrayOf("text", e.getValue().toArray()));
                clear.executeUpdate();
            }
            mx.executeBatch();
            tlsa.executeBatch();
        }
        addToStats(before, statCounts(byScan));
    }

    /**
     * Holds the running statistics of these scans until the transaction ends (an advisory lock
     * per scan, taken in order): writers of one scan's domain rows take turns, so that what each
     * adds to {@code scan_stats} is exactly what its rows changed. {@link #domainResults} takes
     * it; a caller that locks other rows first (probe results) takes it before them, so that two
     * writers cannot wait for each other.
     */
    public void lockStats(Collection<String> scanIds) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            for (String id : new TreeSet<>(scanIds)) {
                s.setInt(1, STATS_LOCK);
                s.setString(2, id);
                s.execute();
            }
        }
    }

    /** The first key of {@link #lockStats}' advisory locks: mxray's running statistics. */
    private static final int STATS_LOCK = 0x6d787374;

    /**
     * How many of these domains' rows count under each (scan, category, value) of the statistics,
     * as their rows stand now: read before and after a write, the difference is what it changed.
     */
    private Map<List<String>, Long> statCounts(Map<String, List<String>> domainsByScan) throws SQLException {
        Map<List<String>, Long> counts = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + String.join(", ", STAT_COLUMNS)
                + " FROM domain_result WHERE scan_id = ? AND domain = ANY (?)")) {
            for (var e : domainsByScan.entrySet()) {
                s.setString(1, e.getKey());
                s.setArray(2, c.createArrayOf("text", e.getValue().toArray()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        counts.merge(List.of(e.getKey(), "finalized", ""), 1L, Long::sum);
                        boolean mail = MAIL_OUTCOMES.contains(r.getString(1));
                        if (mail) {
                            counts.merge(List.of(e.getKey(), MAIL + "finalized", ""), 1L, Long::sum);
                        }
                        for (int i = 0; i < STAT_COLUMNS.size(); i++) {
                            String column = STAT_COLUMNS.get(i);
                            String value = r.getString(i + 1);
                            counts.merge(List.of(e.getKey(), column, value == null ? "-" : value), 1L, Long::sum);
                            if (mail && MAIL_COLUMNS.contains(column)) {
                                counts.merge(List.of(e.getKey(), MAIL + column, value == null ? "-" : value), 1L,
                                        Long::sum);
                            }
                        }
                    }
                }
            }
        }
        return counts;
    }

    /** Adds {@code after - before} to the statistics, in key order; a count that falls to zero leaves. */
    private void addToStats(Map<List<String>, Long> before, Map<List<String>, Long> after) throws SQLException {
        Map<List<String>, Long> delta = new TreeMap<>(Comparator.comparing((List<String> k) -> k.get(0))
                .thenComparing(k -> k.get(1)).thenComparing(k -> k.get(2)));
        after.forEach((k, n) -> delta.merge(k, n, Long::sum));
        before.forEach((k, n) -> delta.merge(k, -n, Long::sum));
        delta.values().removeIf(n -> n == 0);
        if (delta.isEmpty()) {
            return;
        }
        try (PreparedStatement add = c.prepareStatement("""
                INSERT INTO scan_stats (scan_id, category, value, domains, updated_at) VALUES (?, ?, ?, ?, now())
                ON CONFLICT (scan_id, category, value) DO UPDATE SET domains = scan_stats.domains + EXCLUDED.domains,
                  updated_at = EXCLUDED.updated_at""")) {
            for (var e : delta.entrySet()) {
                add.setString(1, e.getKey().get(0));
                add.setString(2, e.getKey().get(1));
                add.setString(3, e.getKey().get(2));
                add.setLong(4, e.getValue());
                add.addBatch();
            }
            add.executeBatch();
        }
        if (delta.values().stream().anyMatch(n -> n < 0)) {
            try (PreparedStatement empty = c.prepareStatement(
                    "DELETE FROM scan_stats WHERE scan_id = ANY (?) AND domains <= 0")) {
                empty.setArray(1, c.createArrayOf("text", delta.keySet().stream().map(k -> k.get(0)).distinct()
                        .toArray()));
                empty.executeUpdate();
            }
        }
    }

    /** The last element for each key, in the order of first appearance; the list itself when keys are unique. */
    static <T> List<T> lastByKey(List<T> items, Function<T, Object> key) {
        Map<Object, T> last = new LinkedHashMap<>();
        for (T t : items) {
            last.put(key.apply(t), t);
        }
        return last.size() == items.size() ? items : List.copyOf(last.values());
    }

    private static String key(Keyed k) {
        return k == null ? null : k.key();
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, v);
        }
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    /** The categories of {@code scan_stats}: each a column of domain_result ({@code dns_outcome} first). */
    static final List<String> STAT_COLUMNS = List.of("dns_outcome", "mx_dnssec", "starttls", "best_level",
            "worst_level", "dane", "dane_delivery", "mta_sts", "tls_rpt", "dane_all_certificates", "sts_mode",
            "sts_delivery", "delivery");
    /**
     * The prefix of the categories counted over the mail domains only (the view {@code mail_domain}:
     * a domain with MX hosts, or an implicit one): {@code mail:finalized} and {@code mail:} with each
     * of {@link #MAIL_COLUMNS}, the shares the report's history draws scan by scan.
     */
    public static final String MAIL = "mail:";
    static final List<String> MAIL_COLUMNS = List.of("mx_dnssec", "starttls", "dane");
    /** The DNS outcomes of a mail domain, as the view {@code mail_domain} has them. */
    private static final Set<String> MAIL_OUTCOMES = Set.of("mx", "implicit-mx");

    /**
     * Rewrites the running statistics of these scans from their domain rows, a pass over every
     * row of the scan: what {@link #domainResults} keeps up to date batch by batch, for a check
     * or a repair.
     */
    public void recomputeStats(Collection<String> scanIds) throws SQLException {
        if (scanIds.isEmpty()) {
            return;
        }
        StringBuilder select = new StringBuilder(
                "SELECT scan_id, 'finalized', '', count(*), now() FROM d GROUP BY scan_id");
        for (String column : STAT_COLUMNS) {
            select.append(" UNION ALL SELECT scan_id, '").append(column).append("', coalesce(").append(column)
                    .append(", '-'), count(*), now() FROM d GROUP BY scan_id, ").append(column);
        }
        String mail = " FROM d WHERE dns_outcome IN ('" + String.join("', '", MAIL_OUTCOMES) + "') GROUP BY scan_id";
        select.append(" UNION ALL SELECT scan_id, '" + MAIL + "finalized', '', count(*), now()").append(mail);
        for (String column : MAIL_COLUMNS) {
            select.append(" UNION ALL SELECT scan_id, '").append(MAIL).append(column).append("', coalesce(")
                    .append(column).append(", '-'), count(*), now()").append(mail).append(", ").append(column);
        }
        try (PreparedStatement clear = c.prepareStatement("DELETE FROM scan_stats WHERE scan_id = ANY (?)");
             PreparedStatement insert = c.prepareStatement(
                     "WITH d AS MATERIALIZED (SELECT * FROM domain_result WHERE scan_id = ANY (?)) "
                             + "INSERT INTO scan_stats (scan_id, category, value, domains, updated_at) " + select)) {
            Array ids = c.createArrayOf("text", scanIds.toArray());
            clear.setArray(1, ids);
            clear.executeUpdate();
            insert.setArray(1, ids);
            insert.executeUpdate();
        }
    }

    /** Sets the four DANE columns from {@code i}; returns the next index. */
    private static int dane(PreparedStatement s, int i, DaneResult d) throws SQLException {
        s.setString(i++, d == null ? null : d.status().key());
        s.setString(i++, d == null || d.check() == null ? null : d.check().key());
        s.setString(i++, d == null ? null : noNul(d.matched()));
        s.setString(i++, d == null || d.reason() == null ? null : d.reason().text());
        return i;
    }

    /** PostgreSQL text cannot hold NUL; hostile input may contain it. */
    private static String noNul(String s) {
        return s == null ? null : s.replace('\0', '\uFFFD');
    }

    static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
