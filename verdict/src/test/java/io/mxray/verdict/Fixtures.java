package io.mxray.verdict;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneReason;
import io.mxray.schema.DaneResult;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.DnsResult;
import io.mxray.schema.Keys;
import io.mxray.schema.Level;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.MxHost;
import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeResult;
import io.mxray.schema.Timings;
import io.mxray.schema.TlsSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Messages as the stages would send them, for the verdict and aggregator tests. */
public final class Fixtures {
    public static final String SCAN = "scan-1";
    public static final Instant T = Instant.parse("2026-11-29T03:00:00Z");

    private Fixtures() {
    }

    public static String key(String ip, String host) {
        return Keys.probeKey(SCAN, ip, 25, host);
    }

    /** A DNS result with the given hosts, each "name=ip,ip" or "name=" for no address. */
    public static DnsResult dns(String domain, String... hosts) {
        List<MxHost> mx = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        int pref = 10;
        for (String h : hosts) {
            String[] parts = h.split("=", -1);
            List<String> ips = parts[1].isEmpty() ? List.of() : List.of(parts[1].split(","));
            mx.add(new MxHost(parts[0], pref, ips, ips.isEmpty() ? LookupOutcome.NXDOMAIN : LookupOutcome.OK, null,
                    List.of()));
            ips.forEach(ip -> keys.add(key(ip, parts[0])));
            pref += 10;
        }
        return new DnsResult(SCAN, domain, null, mx.isEmpty() ? DnsOutcome.NULL_MX : DnsOutcome.MX, null, mx, keys, T, 1);
    }

    public static ProbeResult probe(String ip, String host, Level level, CertType type) {
        ProbeOutcome outcome = level == Level.PLAINTEXT ? ProbeOutcome.NO_STARTTLS
                : level == Level.UNREACHABLE ? ProbeOutcome.CONNECTION_REFUSED : ProbeOutcome.TLS_ESTABLISHED;
        TlsSession tls = level.hasTls() ? new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", "x25519", host, List.of()) : null;
        return new ProbeResult(SCAN, key(ip, host), ip, 25, host, outcome, null, level, type, "test",
                DaneResult.none(DaneReason.Key.NO_TLSA_LOOKUP), List.of("220 hi"),
                List.of("STARTTLS"), tls, new Timings(1L, 1L, 1L, 1L, 1L, 5), T);
    }
}
