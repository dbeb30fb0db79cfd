package io.mxray.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The overall answer of {@code mxray check} about a domain, with the exit status that monitoring
 * plugins (Nagios, Icinga) expect.
 */
public enum CheckStatus implements Keyed {
    /** Nothing wrong or fragile found. */
    OK("ok", 0),
    /** Mail is delivered, but something is fragile or weaker than it should be. */
    WARNING("warning", 1),
    /** A DANE or MTA-STS sender would not deliver, or no MX host offers STARTTLS. */
    CRITICAL("critical", 2),
    /** The facts could not be found (a DNS failure, an unusable name). */
    UNKNOWN("unknown", 3);

    private final String key;
    private final int exitCode;

    CheckStatus(String key, int exitCode) {
        this.key = key;
        this.exitCode = exitCode;
    }

    @JsonValue
    @Override
    public String key() {
        return key;
    }

    @JsonCreator
    public static CheckStatus fromKey(String key) {
        return Keyed.fromKey(CheckStatus.class, key);
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The status of several findings: critical wins, then unknown, then warning (a monitoring
     * system must not hide a known failure behind an unknown one).
     */
    public static CheckStatus worst(Iterable<CheckStatus> statuses) {
        CheckStatus out = OK;
        for (CheckStatus s : statuses) {
            if (s.severity() > out.severity()) {
                out = s;
            }
        }
        return out;
    }

    private int severity() {
        return switch (this) {
            case OK -> 0;
            case WARNING -> 1;
            case UNKNOWN -> 2;
            case CRITICAL -> 3;
        };
    }
}
