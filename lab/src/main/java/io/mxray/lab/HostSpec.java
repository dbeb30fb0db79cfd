package io.mxray.lab;

import io.mxray.schema.CertType;
import io.mxray.schema.DaneStatus;
import io.mxray.schema.DnssecStatus;
import io.mxray.schema.KeyCoverage;
import io.mxray.schema.Level;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A lab MX host: its name, how it is published in DNS, how its server behaves, and the verdict a
 * correct scanner reaches for it. The expectation is declared by hand next to the setup, never
 * derived from it.
 *
 * @param address     how the name is published: an IPv4 address, only ::1, or no address at all
 * @param cnameTarget when set, the host name is an alias of this name, which carries the address
 * @param viaDname    the alias is a DNAME at the name's parent (to the target's parent, RFC 6672),
 *                    not a CNAME at the name
 * @param sharedServer hosts naming the same shared server are served by one server at one
 *                    address, as a provider serves many customers' MX names (null: a server of its own)
 * @param tlsa        TLSA records at {@code _25._tcp.<name>}
 * @param expect      the declared verdict
 */
public record HostSpec(String name, Address address, String cnameTarget, boolean viaDname, ServerSpec server,
                       String sharedServer, List<TlsaSpec> tlsa, Expect expect) {

    public enum Address { IPV4, IPV6_LOOPBACK, NONE }

    /**
     * @param outcome        probe outcome key, or {@code no-address}
     * @param addressDnssec  DNSSEC status of the host's address records
     * @param dane           DANE status of the host
     * @param protocol       the TLS version a correct scanner negotiates, or null
     * @param maxSeconds     the most a correct scanner with default settings spends on this host
     * @param pkix           what the web PKI alone says of the certificate ({@code verified},
     *                       {@code trusted}, {@code untrusted}), or null without TLS; the level
     *                       unless DANE applies, where the level is DANE's (declare it with
     *                       {@link #pkix(Level)})
     * @param certificates   the certificates the server presents (key types, and how many a usable TLSA
     *                       record covers), or null when not declared
     * @param versions       the TLS versions the server accepts, newest first, or null when not declared
     */
    public record Expect(Level level, CertType certType, String outcome, DnssecStatus addressDnssec, DaneStatus dane,
                         String protocol, int maxSeconds, Level pkix, Certificates certificates, List<String> versions) {
        public Expect {
            Objects.requireNonNull(level);
            Objects.requireNonNull(outcome);
            Objects.requireNonNull(addressDnssec);
            Objects.requireNonNull(dane);
        }

        /** The web PKI's judgement the same as the level (no DANE). */
        public Expect(Level level, CertType certType, String outcome, DnssecStatus addressDnssec, DaneStatus dane,
                      String protocol, int maxSeconds) {
            this(level, certType, outcome, addressDnssec, dane, protocol, maxSeconds, level.hasTls() ? level : null,
                    null, null);
        }

        /**
         * Declares the certificates the server presents: their key types in the order a scanner
         * gets them (its first handshake offers every signature algorithm, its second only the
         * other key type) and, where DANE applies, how many of them a usable record matches.
         */
        public Expect presenting(KeyCoverage allCertificates, String... keyTypes) {
            return new Expect(level, certType, outcome, addressDnssec, dane, protocol, maxSeconds, pkix,
                    new Certificates(List.of(keyTypes), allCertificates), versions);
        }

        /**
         * The level DANE decides (SPEC, Verdicts), the web PKI's judgement declared beside it: for
         * example {@code e.dane(MISMATCH).underDane(UNTRUSTED, VERIFIED)} for a PKIX-valid
         * certificate that no usable TLSA record matches.
         */
        public Expect underDane(Level daneLevel, Level webPkix) {
            return new Expect(daneLevel, certType, outcome, addressDnssec, dane, protocol, maxSeconds, webPkix,
                    certificates, versions);
        }

        /** Declares what the web PKI alone says, where DANE decides the level. */
        public Expect pkix(Level p) {
            return new Expect(level, certType, outcome, addressDnssec, dane, protocol, maxSeconds, p, certificates, versions);
        }

        /** Declares the TLS versions the server accepts, newest first ({@code TLSv1.3} ... {@code TLSv1}). */
        public Expect accepting(String... accepted) {
            return new Expect(level, certType, outcome, addressDnssec, dane, protocol, maxSeconds, pkix, certificates,
                    List.of(accepted));
        }

        public Expect dnssec(DnssecStatus s) {
            return new Expect(level, certType, outcome, s, dane, protocol, maxSeconds, pkix, certificates, versions);
        }

        public Expect dane(DaneStatus d) {
            return new Expect(level, certType, outcome, addressDnssec, d, protocol, maxSeconds, pkix, certificates, versions);
        }

        public Expect protocol(String p) {
            return new Expect(level, certType, outcome, addressDnssec, dane, p, maxSeconds, pkix, certificates, versions);
        }

        public Expect seconds(int s) {
            return new Expect(level, certType, outcome, addressDnssec, dane, protocol, s, pkix, certificates, versions);
        }
    }

    /**
     * @param keyTypes        key types of the certificates presented ({@code ecdsa}, {@code rsa})
     * @param allCertificates where DANE applies, how many of them a usable record matches; else null
     */
    public record Certificates(List<String> keyTypes, KeyCoverage allCertificates) {
    }

    public HostSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(address);
        tlsa = List.copyOf(tlsa);
        Objects.requireNonNull(expect);
        if (address != Address.NONE && server == null) {
            throw new IllegalArgumentException(name + ": a host with an address needs a server");
        }
        if (viaDname && (cnameTarget == null || !firstLabel(name).equals(firstLabel(cnameTarget)))) {
            throw new IllegalArgumentException(name + ": a DNAME alias keeps the first label (" + cnameTarget + ")");
        }
    }

    /** A host with an IPv4 address; expectations default to a secure name, no DANE, 10 seconds. */
    public static HostSpec host(String name, ServerSpec server, Level level, CertType certType, String outcome) {
        return new HostSpec(name, Address.IPV4, null, false, server, null, List.of(),
                new Expect(level, certType, outcome, DnssecStatus.SECURE, DaneStatus.NONE, null, 10));
    }

    public static HostSpec withoutAddress(String name) {
        return new HostSpec(name, Address.NONE, null, false, null, null, List.of(),
                new Expect(Level.UNREACHABLE, null, "no-address", DnssecStatus.SECURE, DaneStatus.NONE, null, 1));
    }

    /** The declared verdict, changed by {@code f} (for example {@code e -> e.dane(VALID)}). */
    public HostSpec expecting(UnaryOperator<Expect> f) {
        return expect(f.apply(expect));
    }

    public HostSpec expect(Expect e) {
        return new HostSpec(name, address, cnameTarget, viaDname, server, sharedServer, tlsa, e);
    }

    public HostSpec tlsa(TlsaSpec... records) {
        return new HostSpec(name, address, cnameTarget, viaDname, server, sharedServer, List.of(records), expect);
    }

    public HostSpec ipv6Loopback() {
        return new HostSpec(name, Address.IPV6_LOOPBACK, cnameTarget, viaDname, server, sharedServer, tlsa, expect);
    }

    public HostSpec cnameTo(String target) {
        return new HostSpec(name, address, target, false, server, sharedServer, tlsa, expect);
    }

    /** The name's parent is a DNAME to the target's parent: {@code mx.old.x DNAME-> mx.new.x}. */
    public HostSpec dnameTo(String target) {
        return new HostSpec(name, address, target, true, server, sharedServer, tlsa, expect);
    }

    /**
     * Served by the shared server {@code id} at its one address, with every other host naming it
     * (their server specs must be equal): a provider's IP serving many customers' MX names.
     */
    public HostSpec sharing(String id) {
        return new HostSpec(name, address, cnameTarget, viaDname, server, id, tlsa, expect);
    }

    /** The DNAME owner of a {@link #viaDname} host (the name's parent), or null. */
    public String dnameOwner() {
        return viaDname ? name.substring(name.indexOf('.') + 1) : null;
    }

    private static String firstLabel(String n) {
        int dot = n.indexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    /** The name that carries the address records (the CNAME target, or the name itself). */
    public String addressOwner() {
        return cnameTarget != null ? cnameTarget : name;
    }

    /** What the lab makes one server of: the shared server, else the address owner. */
    public String serverKey() {
        return sharedServer != null ? "shared:" + sharedServer : addressOwner();
    }
}
