package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an MTA-STS sender (RFC 8461 section 5) does with mail for the domain. */
public enum StsDelivery implements Keyed {
    /** A matching MX host validates (or the policy is testing and one does). */
    DELIVER("deliver"),
    /** Enforce, and no matching MX host validates: the sender holds the mail and returns it when its queue lifetime ends (RFC 8461 section 5.1 asks it to look for a new policy first). */
    BOUNCE("bounce"),
    /** No policy applies (no valid TXT record, no policy could be fetched, or mode none): the sender delivers as without MTA-STS. */
    NOT_APPLICABLE("not-applicable"),
    /** Testing, and no matching MX host validates: delivered, and reported as a failure (TLS-RPT). */
    TESTING_WOULD_FAIL("testing-would-fail");

    private final String key;

    StsDelivery(String key) {
        this.key = key;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static StsDelivery fromKey(String key) {
        return Keyed.fromKey(StsDelivery.class, key);
    }
}
