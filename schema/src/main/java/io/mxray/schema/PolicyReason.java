package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * Why an MTA-STS policy could not be had: a closed {@link Key} and, where it helps, a detail
 * (the HTTP status, the field that broke the syntax). Written as {@code key}, {@code key:detail},
 * or for the HTTP status {@code policy-http-404}.
 */
public record PolicyReason(Key key, String detail) {
    public PolicyReason {
        Objects.requireNonNull(key, "key");
    }

    public static PolicyReason of(Key key) {
        return new PolicyReason(key, null);
    }

    /** A response with a status other than 200 or a redirect. */
    public static PolicyReason httpStatus(int status) {
        return new PolicyReason(Key.HTTP_STATUS, Integer.toString(status));
    }

    public boolean is(Key k) {
        return key == k;
    }

    @JsonValue
    public String text() {
        if (detail == null) {
            return key.key();
        }
        return key == Key.HTTP_STATUS ? key.key() + detail : key.key() + ":" + detail;
    }

    @Override
    public String toString() {
        return text();
    }

    @JsonCreator
    public static PolicyReason parse(String text) {
        if (text.startsWith(Key.HTTP_STATUS.key())) {
            return httpStatus(Integer.parseInt(text.substring(Key.HTTP_STATUS.key().length())));
        }
        int colon = text.indexOf(':');
        return colon < 0 ? of(Keyed.fromKey(Key.class, text))
                : new PolicyReason(Keyed.fromKey(Key.class, text.substring(0, colon)), text.substring(colon + 1));
    }

    /** In the order a fetch meets them: the name, the address, the connection, TLS, HTTP, the body. */
    public enum Key implements Keyed {
        /** The TXT record was not usable (none, malformed or several): no policy is fetched. */
        NO_VALID_TXT("policy-no-valid-txt"),
        /** {@code mta-sts.<domain>} does not exist. */
        HOST_NXDOMAIN("policy-host-nxdomain"),
        /** It exists but has no address. */
        HOST_NO_ADDRESS("policy-host-no-address"),
        /** Its address lookup failed (timeout, SERVFAIL, bogus); the detail says which. */
        HOST_LOOKUP_FAILED("policy-host-lookup-failed"),
        /** Its only addresses are private or reserved: not contacted. */
        HOST_NON_PUBLIC("policy-host-non-public"),
        /** On the opt-out list: not contacted. */
        OPT_OUT("policy-opt-out"),
        CONNECT_REFUSED("policy-connect-refused"),
        CONNECT_TIMEOUT("policy-connect-timeout"),
        NETWORK_ERROR("policy-network-error"),
        /** The TLS handshake failed (the detail is the engine's reason or the alert). */
        TLS_FAILED("policy-tls-failed"),
        /** RFC 8461 section 3.3: TLS 1.2 or later; the server spoke an older version. */
        TLS_VERSION("policy-tls-version"),
        /** The chain does not lead to a trusted CA (self-signed, unknown issuer). */
        TLS_UNTRUSTED("policy-tls-untrusted"),
        /** A trusted chain whose certificate does not name {@code mta-sts.<domain>}. */
        TLS_NAME_MISMATCH("policy-tls-name-mismatch"),
        /** Expired or not yet valid. */
        TLS_EXPIRED("policy-tls-expired"),
        /** The server did not answer in time (the detail names the phase). */
        TIMEOUT("policy-timeout"),
        /** RFC 8461 section 3.3: redirects are not followed. */
        REDIRECT("policy-redirect"),
        /** Any other status than 200: written {@code policy-http-<status>}. */
        HTTP_STATUS("policy-http-"),
        /** A response that is not HTTP/1.1 as the codec reads it. */
        HTTP_MALFORMED("policy-http-malformed"),
        /** RFC 8461 section 3.2: the media type must be {@code text/plain}. */
        CONTENT_TYPE("policy-content-type"),
        /** Larger than the 64 KB a sender reads (RFC 8461 section 3.3). */
        TOO_LARGE("policy-too-large"),
        /** The body is not a policy (the detail names what broke: a line, a field, a value). */
        SYNTAX("policy-syntax"),
        /** An {@code enforce} or {@code testing} policy without any {@code mx} pattern. */
        MX_MISSING("policy-mx-missing"),
        /** mxray could not fetch or publish it (the detail says why); no statement about the domain. */
        INTERNAL_ERROR("policy-internal-error");

        private final String key;

        Key(String key) {
            this.key = key;
        }

        @Override
        public String key() {
            return key;
        }
    }
}
