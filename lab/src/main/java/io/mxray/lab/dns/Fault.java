package io.mxray.lab.dns;

/** A deliberate DNSSEC error on one RRset of a signed zone, for the bogus scenarios. */
public enum Fault {
    /** The RRSIG's signature bytes are altered: verification fails. */
    BROKEN_SIGNATURE,
    /** The RRSIG's validity period ended a day ago. */
    EXPIRED_SIGNATURE,
    /** No RRSIG at all for the RRset in a signed zone. */
    MISSING_SIGNATURE,
    /**
     * A valid RRSIG that expires a minute after the lab's clock: a validator must not keep what it
     * proved for longer (its TTL is five minutes).
     */
    SHORT_LIVED_SIGNATURE
}
