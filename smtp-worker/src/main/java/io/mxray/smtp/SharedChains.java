package io.mxray.smtp;

import io.mxray.schema.ProbeOutcome;
import io.mxray.schema.ProbeRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Shared-chain inference: which probes of an address need a connection of their own. A provider
 * serves thousands of customers' MX names from one address; per-address politeness (a few
 * connections at a time, spaced) turns probing each of them into a queue of hours, although the
 * server presents the same certificate chain whatever name is asked for. So the first two names
 * of an address (in a scan) are probed; when both handshakes got the same chains and TLS
 * parameters for different SNI names, the address is taken to present them to every name, and
 * the address's further names are judged against the chains captured (the judgement is per name
 * and per TLSA set, offline) without connecting. One name in {@link #SAMPLE_EVERY} is still
 * probed, and a sample that differs from the captured chains turns the inference off for the
 * address: every later name is probed. An address whose two first probes differ (a hoster choosing
 * the certificate by SNI), or did not both establish TLS, is never inferred.
 *
 * <p>Held per (scan, address, port), the most recently used {@link #MAX_ADDRESSES} of them: an
 * address that falls out simply starts again with two probes.
 */
final class SharedChains {
    /** One name in this many, after the first two, is still probed directly. */
    static final int SAMPLE_EVERY = 50;
    static final int MAX_ADDRESSES = 20_000;

    /** What a direct probe's connections captured, enough to judge the chain again for another name. */
    record Capture(String probeKey, String sni, ProbeSession.Record first, SmtpStage.Second second,
                   Map<String, String> versions, String fingerprint) {
    }

    /** What to do with a request. */
    sealed interface Plan {
    }

    /** Probe it; {@code seed}: its capture is one of the two that decide the address. */
    record Direct(Address address, boolean seed) implements Plan {
    }

    /** Wait until the address is decided: then infer from the reference, or probe when it is off. */
    record Await(Address address) implements Plan {
    }

    private record Key(String scanId, String ip, int port) {
    }

    /** One address's state. */
    static final class Address {
        private String firstSni;
        private int seeds;
        private int seedsDone;
        private Capture firstCapture;
        private final CompletableFuture<Capture> decided = new CompletableFuture<>();
        private boolean off;
        private long counted;

        /** The reference capture once decided, or null when the address is probed name by name. */
        CompletableFuture<Capture> decided() {
            return decided;
        }

        synchronized boolean off() {
            return off;
        }

        /** Whether the next inferred name should be probed as a sample instead. */
        synchronized boolean sampleNext() {
            return ++counted % SAMPLE_EVERY == 0;
        }
    }

    private final Map<Key, Address> addresses = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Address> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    synchronized Plan plan(ProbeRequest request) {
        Address a = addresses.computeIfAbsent(new Key(request.scanId(), request.ip(), request.port()),
                k -> new Address());
        synchronized (a) {
            if (a.off) {
                return new Direct(a, false);
            }
            if (a.seeds == 0) {
                a.seeds = 1;
                a.firstSni = request.sni();
                return new Direct(a, true);
            }
            if (a.seeds == 1 && !Objects.equals(a.firstSni, request.sni())) {
                a.seeds = 2;
                return new Direct(a, true);
            }
            if (a.seeds == 1) {
                return new Direct(a, false); // the same name again proves nothing about SNI
            }
        }
        return new Await(a);
    }

    /**
     * A seed's capture (null: the probe did not establish TLS, or failed), exactly once per seed;
     * the second decides the address: the first's capture when both agree, else off.
     */
    void seeded(Address a, Capture c) {
        Capture reference;
        synchronized (a) {
            if (++a.seedsDone == 1) {
                a.firstCapture = c;
                return;
            }
            if (a.seedsDone > 2) {
                return;
            }
            boolean agree = c != null && a.firstCapture != null
                    && c.fingerprint().equals(a.firstCapture.fingerprint())
                    && !Objects.equals(c.sni(), a.firstCapture.sni());
            reference = agree ? a.firstCapture : null;
            a.off = !agree;
        }
        a.decided.complete(reference);
    }

    /** A sample's capture: a difference from the reference (or no TLS) turns the address off. */
    void sampled(Address a, Capture reference, Capture c) {
        if (c == null || !c.fingerprint().equals(reference.fingerprint())) {
            synchronized (a) {
                a.off = true;
            }
        }
    }

    /**
     * What identifies the server's answer apart from the name: the chains (by SHA-256), protocol,
     * cipher suite and group of each handshake, and the TLS versions accepted.
     */
    static String fingerprint(ProbeSession.Record first, ProbeSession.Record second, Map<String, String> versions) {
        StringBuilder b = new StringBuilder();
        append(b, first);
        b.append('|');
        append(b, second);
        b.append('|').append(versions);
        return b.toString();
    }

    private static void append(StringBuilder b, ProbeSession.Record r) {
        if (r == null) {
            b.append('-');
            return;
        }
        b.append(r.outcome).append(' ').append(r.protocol).append(' ').append(r.cipher).append(' ').append(r.group);
        for (X509Certificate c : r.chain) {
            b.append(' ').append(sha256(c));
        }
    }

    private static String sha256(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a probe's first handshake established TLS with a chain: only then is it worth sharing. */
    static boolean shareable(ProbeSession.Record first) {
        return first != null && first.outcome == ProbeOutcome.TLS_ESTABLISHED && !first.chain.isEmpty();
    }
}
