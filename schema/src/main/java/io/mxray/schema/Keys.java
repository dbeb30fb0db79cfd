package io.mxray.schema;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/**
 * How message keys are formed. Keys decide partitions: every message about one domain of one
 * scan shares the domain key; every probe request for one address shares its target key (so one
 * worker instance sees every request for an address, and paces it); a probe's result carries the
 * probe key.
 */
public final class Keys {
    private Keys() {
    }

    private static final DateTimeFormatter SCAN_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /**
     * How a scan id begins: its start time in UTC to the second, so that scan ids, and the probe
     * and domain keys that begin with them, sort by start time (the aggregator drops old probe
     * verdicts as one key range).
     */
    public static String scanIdTime(Instant start) {
        return SCAN_TIME.format(start);
    }

    /**
     * The key of a probe request on its topic: the address to probe. Every probe of one address,
     * whatever the names that lead to it and whatever the scan, lands in one partition, hence in
     * one SMTP worker instance, whose limiter then holds the per-address politeness for all of them.
     */
    public static String probeTarget(String ip) {
        return ip;
    }

    public static String domainKey(String scanId, String domain) {
        return scanId + "/" + domain;
    }

    /**
     * One probe per scan and (IP, port, name to match): results that depend on the name are
     * never shared between names.
     */
    public static String probeKey(String scanId, String ip, int port, String mxHost) {
        return scanId + "|" + ip + "|" + port + "|" + mxHost;
    }

    /**
     * One probe per scan and (IP, port, MX host name, TLSA base and set): two names, or two TLSA
     * sets, never share a DANE verdict. Without a TLSA lookup the key is the one above.
     */
    public static String probeKey(String scanId, String ip, int port, String mxHost, TlsaLookup tlsa) {
        String base = probeKey(scanId, ip, port, mxHost);
        if (tlsa == null || !tlsa.lookedUp()) {
            return base;
        }
        StringBuilder set = new StringBuilder(tlsa.base()).append('|').append(tlsa.dnssec()).append('|')
                .append(tlsa.outcome());
        tlsa.records().stream().map(TlsaRecord::presentation).sorted()
                .forEach(r -> set.append('|').append(r));
        return base + "|tlsa:" + sha256(set.toString()).substring(0, 16);
    }

    /** One fetch per scan, MTA-STS policy host and policy id (RFC 8461 section 3.3: the id names the version). */
    public static String policyKey(String scanId, String host, String policyId) {
        return scanId + "|mta-sts|" + host + "|" + policyId;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
