package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The key type of a server certificate, by the family of signatures it makes. */
public enum KeyType implements Keyed {
    ECDSA("ecdsa"),
    /** RSA, including RSASSA-PSS keys. */
    RSA("rsa"),
    EDDSA("eddsa"),
    DSA("dsa"),
    OTHER("other");

    private final String key;

    KeyType(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static KeyType fromKey(String key) {
        return Keyed.fromKey(KeyType.class, key);
    }

    /**
     * The type a second handshake asks for after this one, or null when there is none: a server
     * holds at most an ECDSA and an RSA certificate for the same name in practice (RFC 8446
     * section 4.2.3 lets the client's signature schemes choose between them).
     */
    public KeyType other() {
        return switch (this) {
            case ECDSA -> RSA;
            case RSA -> ECDSA;
            default -> null;
        };
    }
}
