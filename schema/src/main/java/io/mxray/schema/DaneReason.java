package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * Why DANE did not validate a server, or why it does not apply: a closed {@link Key}, and for a
 * failed TLSA lookup the validator's own reason as detail. Written as {@code key} or
 * {@code key:detail} in JSON and SQL (for example {@code tlsa-bogus:signature-expired}).
 */
public record DaneReason(Key key, String detail) {
    public DaneReason {
        Objects.requireNonNull(key, "key");
    }

    public static DaneReason of(Key key) {
        return new DaneReason(key, null);
    }

    public boolean is(Key k) {
        return key == k;
    }

    @JsonValue
    public String text() {
        return detail == null ? key.key() : key.key() + ":" + detail;
    }

    @Override
    public String toString() {
        return text();
    }

    @JsonCreator
    public static DaneReason parse(String text) {
        int colon = text.indexOf(':');
        return colon < 0 ? of(Keyed.fromKey(Key.class, text))
                : new DaneReason(Keyed.fromKey(Key.class, text.substring(0, colon)), text.substring(colon + 1));
    }

    /** The reasons, grouped by where the judgement stops (RFC 7672 section 2). */
    public enum Key implements Keyed {
        /** No TLSA lookup was made for the host (the DNS stage had nothing to look up). */
        NO_TLSA_LOOKUP("no-tlsa-lookup"),
        /** RFC 7672 section 2.2.2: the address records are insecure, so their TLSA records are not used. */
        SKIPPED_ADDRESS_INSECURE("skipped-address-insecure"),
        SKIPPED_ADDRESS_BOGUS("skipped-address-bogus"),
        SKIPPED_ADDRESS_UNVALIDATED("skipped-address-unvalidated"),
        /** The host has no address at all. */
        NO_ADDRESS("no-address"),
        /** RFC 7672 section 2.1.1: bogus or unvalidated address records make a DANE sender skip the host. */
        ADDRESS_BOGUS("address-bogus"),
        ADDRESS_INDETERMINATE("address-indeterminate"),
        /** A secure denial: the host publishes no TLSA records. */
        NO_TLSA("no-tlsa"),
        /** The TLSA answer or its failure, by its DNSSEC status (insecure: DANE does not apply). */
        TLSA_SECURE("tlsa-secure"),
        TLSA_INSECURE("tlsa-insecure"),
        TLSA_BOGUS("tlsa-bogus"),
        TLSA_INDETERMINATE("tlsa-indeterminate"),
        TLSA_UNVALIDATED("tlsa-unvalidated"),
        /** RFC 7672 section 2.2: only records a sender must ignore (usages 0/1, unknown parameters). */
        ONLY_UNUSABLE_RECORDS("only-unusable-records"),
        /** Usable records, but no TLS session to match them against. */
        NO_TLS("no-tls"),
        NO_RECORD_MATCHED("no-record-matched"),
        /** The RRset was larger than mxray keeps ({@link Bounds}): a record not kept might match. */
        TLSA_TRUNCATED("tlsa-truncated"),
        /** RFC 7671 section 5.2.2: a 2 x x record needs the server to send the trust anchor. */
        DANE_TA_NOT_SENT("dane-ta-not-sent"),
        DANE_TA_WORK_LIMIT("dane-ta-work-limit"),
        DANE_TA_NO_PATH("dane-ta-no-path"),
        DANE_TA_LEAF_OUT_OF_VALIDITY("dane-ta-leaf-out-of-validity"),
        DANE_TA_INTERMEDIATE_OUT_OF_VALIDITY("dane-ta-intermediate-out-of-validity"),
        /** RFC 7672 section 3.2.3: a DANE-TA path's leaf must carry the TLSA base domain or the MX host name. */
        DANE_TA_NAME_MISMATCH("dane-ta-name-mismatch"),
        DANE_TA_ISSUER_NOT_CA("dane-ta-issuer-not-ca"),
        DANE_TA_PATH_LENGTH("dane-ta-path-length"),
        DANE_TA_ISSUER_KEY_USAGE("dane-ta-issuer-key-usage"),
        DANE_TA_WEAK_SIGNATURE("dane-ta-weak-signature"),
        DANE_TA_ISSUER_KEY_TOO_LARGE("dane-ta-issuer-key-too-large");

        private final String key;

        Key(String key) {
            this.key = key;
        }

        @Override
        public String key() {
            return key;
        }

        /** {@code tlsa-<status>}, {@code tlsa-unvalidated} when no status was established. */
        public static Key tlsa(DnssecStatus status) {
            if (status == null) {
                return TLSA_UNVALIDATED;
            }
            return switch (status) {
                case SECURE -> TLSA_SECURE;
                case INSECURE -> TLSA_INSECURE;
                case BOGUS -> TLSA_BOGUS;
                case INDETERMINATE -> TLSA_INDETERMINATE;
            };
        }

        /** The reason DANE does not apply when the TLSA lookup was skipped as {@code decision} says. */
        public static Key skipped(TlsaDecision decision) {
            return switch (decision) {
                case SKIPPED_ADDRESS_INSECURE -> SKIPPED_ADDRESS_INSECURE;
                case SKIPPED_ADDRESS_BOGUS -> SKIPPED_ADDRESS_BOGUS;
                case SKIPPED_ADDRESS_UNVALIDATED -> SKIPPED_ADDRESS_UNVALIDATED;
                case LOOKED_UP, LOOKED_UP_MX_INSECURE -> NO_TLSA_LOOKUP; // decided, but no answer came
            };
        }
    }
}
