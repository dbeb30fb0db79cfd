package io.mxray.check;

import io.mxray.schema.CertificateFacts;
import io.mxray.schema.CheckResult;
import io.mxray.schema.CheckedAddress;
import io.mxray.schema.MxHost;
import io.mxray.schema.ProbeResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TLSA records to publish for what each MX host presents now, as zone-file lines: 3 1 1 for
 * the leaf's key (DANE-EE, survives renewals that keep the key) and 2 1 1 for each CA certificate
 * the server sends (DANE-TA, survives renewals by the same CA; RFC 7671 section 5, RFC 7672
 * section 3.1.2: a trust anchor the server does not send cannot be used). The owner is the TLSA
 * base domain (the CNAME-expanded name when the DNS stage used it).
 */
public final class TlsaRecords {
    private TlsaRecords() {
    }

    public static List<String> lines(CheckResult r) {
        List<String> out = new ArrayList<>();
        if (r.dns() == null) {
            out.add("; " + (r.domain() == null ? r.input().strip() : r.domain()) + ": " + r.error());
            return out;
        }
        for (MxHost h : r.dns().mxHosts()) {
            String base = h.tlsa() != null && h.tlsa().base() != null ? h.tlsa().base() : h.name();
            String owner = "_25._tcp." + base + ".";
            Map<String, String> records = new LinkedHashMap<>(); // record -> comment
            Set<String> leafKeys = new LinkedHashSet<>();
            List<String> without = new ArrayList<>();
            for (CheckedAddress a : r.addresses()) {
                ProbeResult p = a.probe();
                if (!p.mxHost().equals(h.name())) {
                    continue;
                }
                if (a.chain().isEmpty()) {
                    without.add(p.ip() + " (" + p.outcome().key() + ")");
                    continue;
                }
                CertificateFacts leaf = a.chain().get(0);
                leafKeys.add(leaf.spkiSha256());
                records.putIfAbsent("3 1 1 " + leaf.spkiSha256(), "key of " + leaf.subject());
                for (int i = 1; i < a.chain().size(); i++) {
                    CertificateFacts ca = a.chain().get(i);
                    if (ca.ca()) {
                        records.putIfAbsent("2 1 1 " + ca.spkiSha256(), "CA " + ca.subject());
                    }
                }
            }
            out.add("; " + h.name() + (base.equals(h.name()) ? "" : " (TLSA base domain " + base + ")"));
            if (records.isEmpty()) {
                out.add("; no TLS at " + (without.isEmpty() ? "any address" : String.join(", ", without))
                        + ": no TLSA record can be derived");
                continue;
            }
            if (!without.isEmpty()) {
                out.add("; no TLS at " + String.join(", ", without) + ": DANE senders would not deliver there");
            }
            if (leafKeys.size() > 1) {
                out.add("; the addresses present different keys: every 3 1 1 below is needed");
            }
            if (records.keySet().stream().noneMatch(k -> k.startsWith("2 "))) {
                out.add("; no 2 1 1: the server sends no CA certificate in its chain");
            }
            records.forEach((record, comment) -> out.add(owner + " IN TLSA " + record + " ; " + comment));
        }
        return out;
    }
}
