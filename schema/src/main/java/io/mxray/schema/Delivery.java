package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a sending MTA would do with mail for a domain (RFC 7672 for a DANE-enforcing one). */
public enum Delivery implements Keyed {
    /** At least one MX host address would take the mail under the sender's rules. */
    DELIVER("deliver"),
    /** None would now, but the failure is temporary to the sender: the mail waits in its queue. */
    DEFER("defer"),
    /** The domain accepts no mail (null MX, NXDOMAIN, no mail host): the mail is returned. */
    BOUNCE("bounce");

    private final String key;

    Delivery(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static Delivery fromKey(String key) {
        return Keyed.fromKey(Delivery.class, key);
    }
}
