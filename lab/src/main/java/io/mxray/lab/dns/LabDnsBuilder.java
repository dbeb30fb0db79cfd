package io.mxray.lab.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * Builds the lab's DNS: the declared zones (the root among them), every record in the deepest
 * zone that contains its owner, and at every zone cut the NS records, their glue and, when both
 * sides are signed and the child is not an island, the DS. Keys are generated here: a KSK and a
 * ZSK for the root and the top-level domains, one combined key for the zones below.
 */
public final class LabDnsBuilder {
    static final long TTL = 300;

    private final Instant now;
    private final InetAddress nsAddress;
    private final Map<Name, ZoneSpec> specs = new LinkedHashMap<>();
    private final Map<Name, List<Record>> records = new HashMap<>();
    private final List<Record> pending = new ArrayList<>();

    /** The built DNS: its zones and the root's key signing key (the trust anchor). */
    public record Built(List<LabZone> zones, DNSKEYRecord rootKsk) {
    }

    /**
     * @param now       the lab's clock reading; signatures are valid from an hour before
     * @param nsAddress the address of the lab's DNS server, the glue of every delegation
     */
    public LabDnsBuilder(Instant now, InetAddress nsAddress) {
        this.now = now;
        this.nsAddress = nsAddress;
    }

    public LabDnsBuilder zone(ZoneSpec spec) {
        ZoneSpec known = specs.putIfAbsent(spec.origin(), spec);
        if (known != null && !known.equals(spec)) {
            throw new IllegalArgumentException("zone " + spec.origin() + " declared twice, differently");
        }
        if (known == null) {
            spec.records().forEach(line -> pending.add(parse(line)));
        }
        return this;
    }

    /** One zone-file line with an absolute owner name. */
    private static Record parse(String line) {
        try (Master m = new Master(
                new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), Name.root, TTL)) {
            Record r = m.nextRecord();
            if (r == null || m.nextRecord() != null) {
                throw new IllegalArgumentException("not one record: " + line);
            }
            return r;
        } catch (IOException e) {
            throw new IllegalArgumentException("bad zone-file line: " + line, e);
        }
    }

    public boolean hasZone(Name origin) {
        return specs.containsKey(origin);
    }

    public LabDnsBuilder record(Record r) {
        pending.add(r);
        return this;
    }

    /** The deepest declared zone containing {@code name}, or null. */
    Name zoneOf(Name name) {
        for (Name n = name; ; n = new Name(n, 1)) {
            if (specs.containsKey(n)) {
                return n;
            }
            if (n.labels() <= 1) {
                return null;
            }
        }
    }

    private Name parentZone(Name origin) {
        return origin.labels() <= 1 ? null : zoneOf(new Name(origin, 1));
    }

    public Built build() {
        if (!specs.containsKey(Name.root)) {
            throw new IllegalStateException("the lab needs a root zone");
        }
        for (Record r : pending) {
            Name z = zoneOf(r.getName());
            if (z == null) {
                throw new IllegalArgumentException("no zone holds " + r.getName());
            }
            records.computeIfAbsent(z, k -> new ArrayList<>()).add(r);
        }
        Map<Name, List<ZoneKey>> keys = new ConcurrentHashMap<>();
        specs.values().parallelStream().forEach(s -> {
            if (s.security().signed()) {
                int alg = s.security() == ZoneSpec.Security.RSA_NSEC3 || s.security() == ZoneSpec.Security.KEYTRAP
                        ? DNSSEC.Algorithm.RSASHA256
                        : DNSSEC.Algorithm.ECDSAP256SHA256;
                boolean split = s.origin().labels() <= 2; // the root and the TLDs: KSK and ZSK
                keys.put(s.origin(), split
                        ? List.of(ZoneKey.generate(s.origin(), alg, true), ZoneKey.generate(s.origin(), alg, false))
                        : List.of(ZoneKey.generate(s.origin(), alg, true)));
            }
        });
        for (ZoneSpec s : specs.values()) {
            Name origin = s.origin();
            Name ns = nsName(origin);
            List<Record> rs = records.computeIfAbsent(origin, k -> new ArrayList<>());
            rs.add(new SOARecord(origin, DClass.IN, TTL, ns, hostmaster(origin), 1, 3600, 600, 86400, TTL));
            rs.add(new NSRecord(origin, DClass.IN, TTL, ns));
            rs.add(address(ns));
            Name parent = parentZone(origin);
            if (parent != null) {
                List<Record> prs = records.computeIfAbsent(parent, k -> new ArrayList<>());
                prs.add(new NSRecord(origin, DClass.IN, TTL, ns));
                prs.add(address(ns)); // glue, below the cut
                ZoneSpec ps = specs.get(parent);
                boolean ds = s.security().signed() && s.security() != ZoneSpec.Security.ISLAND && ps.security().signed();
                if (ds) {
                    DNSKEYRecord ksk = keys.get(origin).get(0).dnskey();
                    prs.add(switch (s.security()) {
                        // a key the zone never publishes
                        case WRONG_DS -> new DSRecord(origin, DClass.IN, TTL, DSRecord.Digest.SHA256,
                                ZoneKey.generate(origin, DNSSEC.Algorithm.ECDSAP256SHA256, true).dnskey());
                        // the right digest, under an algorithm number no validator implements
                        case UNKNOWN_ALGORITHM_DS -> {
                            DSRecord real = new DSRecord(origin, DClass.IN, TTL, DSRecord.Digest.SHA256, ksk);
                            yield new DSRecord(origin, DClass.IN, TTL, real.getFootprint(), DNSSEC.Algorithm.PRIVATEDNS,
                                    real.getDigestID(), real.getDigest());
                        }
                        default -> new DSRecord(origin, DClass.IN, TTL, DSRecord.Digest.SHA256, ksk);
                    });
                }
            }
        }
        List<LabZone> zones = specs.values().parallelStream()
                .sorted(Comparator.comparingInt(s -> s.origin().labels()))
                .map(s -> {
                    Signing signing = null;
                    if (s.security().signed()) {
                        Signing.Denial denial = switch (s.security()) {
                            case RSA_NSEC3, ECDSA_NSEC3 -> Signing.Denial.NSEC3;
                            case ECDSA_NSEC3_OPT_OUT -> Signing.Denial.NSEC3_OPT_OUT;
                            default -> Signing.Denial.NSEC;
                        };
                        signing = Signing.standard(keys.get(s.origin()), denial, now).withFaults(s.faults());
                        if (s.security() == ZoneSpec.Security.KEYTRAP) {
                            signing = signing.withKeyTrap(new Signing.KeyTrap(100, 100));
                        }
                    }
                    return LabZone.of(s.origin(), records.get(s.origin()), signing, s.tampers());
                }).toList();
        return new Built(zones, keys.get(Name.root).get(0).dnskey());
    }

    private Record address(Name ns) {
        return nsAddress.getAddress().length == 4 ? new ARecord(ns, DClass.IN, TTL, nsAddress)
                : new AAAARecord(ns, DClass.IN, TTL, nsAddress);
    }

    /** {@code ns.<zone>}; the root's server is {@code ns.root.}, a name in the root zone itself. */
    static Name nsName(Name origin) {
        return ZoneSpec.name(origin.equals(Name.root) ? "ns.root." : "ns." + origin);
    }

    private static Name hostmaster(Name origin) {
        return ZoneSpec.name(origin.equals(Name.root) ? "hostmaster.root." : "hostmaster." + origin);
    }
}
