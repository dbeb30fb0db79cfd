package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The {@code mode} of an MTA-STS policy (RFC 8461 section 3.2 and 5). */
public enum StsMode implements Keyed {
    /** Senders deliver only to matching MX hosts whose TLS validates with the web PKI. */
    ENFORCE("enforce"),
    /** Senders deliver anyway and report what would have failed (TLS-RPT, RFC 8460). */
    TESTING("testing"),
    /** The domain withdraws its policy: senders act as if it had none. */
    NONE("none");

    private final String key;

    StsMode(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static StsMode fromKey(String key) {
        return Keyed.fromKey(StsMode.class, key);
    }
}
