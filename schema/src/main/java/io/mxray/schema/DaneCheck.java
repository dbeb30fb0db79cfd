package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The kind of TLSA record that validated a server (RFC 7671 section 5). */
public enum DaneCheck implements Keyed {
    /** Usage 3: the record names the server's own certificate or key. */
    DANE_EE("dane-ee"),
    /** Usage 2: the record names a trust anchor the server's chain leads to. */
    DANE_TA("dane-ta");

    private final String key;

    DaneCheck(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static DaneCheck fromKey(String key) {
        return Keyed.fromKey(DaneCheck.class, key);
    }
}
