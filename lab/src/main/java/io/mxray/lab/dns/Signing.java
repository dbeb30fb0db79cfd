package io.mxray.lab.dns;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a lab zone is signed.
 *
 * @param keys       KSK first, then ZSKs; a single key with the SEP flag is a combined signing key
 * @param denial     NSEC or NSEC3 (SHA-1, no iterations, no salt, as RFC 9276 recommends)
 * @param inception  start of every signature's validity
 * @param expiration end of every signature's validity
 * @param faults     deliberate errors by (owner, type), for bogus scenarios
 * @param publishDs  whether the parent publishes the DS (false: an island of security)
 * @param keyTrap    decoys that make a validator work (KeyTrap), or {@link KeyTrap#NONE}
 */
public record Signing(List<ZoneKey> keys, Denial denial, Instant inception, Instant expiration,
                      Map<RRsetKey, Fault> faults, boolean publishDs, KeyTrap keyTrap) {

    /**
     * A KeyTrap zone (CVE-2023-50387): its DNSKEY RRset also holds {@code collidingKeys} keys of
     * the signing key's algorithm and key tag, and every RRSIG comes after {@code decoySignatures}
     * signatures with that tag that verify under none of them. A validator that tries every
     * signature with every matching key does collidingKeys x decoySignatures verifications per RRset.
     */
    public record KeyTrap(int collidingKeys, int decoySignatures) {
        public static final KeyTrap NONE = new KeyTrap(0, 0);
    }

    /** NSEC; NSEC3; NSEC3 with opt-out (RFC 5155 section 6: unsigned delegations left out of the chain). */
    public enum Denial { NSEC, NSEC3, NSEC3_OPT_OUT }

    public Signing {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a signed zone needs a key");
        }
        Objects.requireNonNull(denial);
        faults = Map.copyOf(faults);
        Objects.requireNonNull(keyTrap);
    }

    /** The keys that sign everything but the DNSKEY RRset. */
    List<ZoneKey> zoneSigningKeys() {
        List<ZoneKey> zsks = keys.stream().filter(k -> !k.isKsk()).toList();
        return zsks.isEmpty() ? keys.subList(0, 1) : zsks;
    }

    /** The keys that sign the DNSKEY RRset (RFC 6781: the KSK, plus the ZSK in the lab). */
    List<ZoneKey> keySigningKeys() {
        return keys;
    }

    /** How long before the lab's clock signatures become valid. */
    static final Duration BACKDATE = Duration.ofHours(1);

    public static Signing standard(List<ZoneKey> keys, Denial denial, Instant now) {
        return new Signing(keys, denial, now.minus(BACKDATE), now.plus(Duration.ofDays(30)), Map.of(), true,
                KeyTrap.NONE);
    }

    public Signing withFaults(Map<RRsetKey, Fault> f) {
        return new Signing(keys, denial, inception, expiration, f, publishDs, keyTrap);
    }

    public Signing withoutDs() {
        return new Signing(keys, denial, inception, expiration, faults, false, keyTrap);
    }

    public Signing withKeyTrap(KeyTrap k) {
        return new Signing(keys, denial, inception, expiration, faults, publishDs, k);
    }
}
