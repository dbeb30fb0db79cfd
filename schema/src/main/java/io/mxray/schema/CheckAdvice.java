package io.mxray.schema;

import java.util.Objects;

/**
 * One piece of advice from {@code mxray check}: something wrong or fragile, in plain words.
 *
 * @param status  how bad it is ({@link CheckStatus#WARNING}, {@link CheckStatus#CRITICAL} or
 *                {@link CheckStatus#UNKNOWN})
 * @param key     a stable key for programs and tests (for example {@code tlsa-mismatch})
 * @param subject what it is about: the domain, an MX host, or {@code host address}
 * @param text    the advice for a person, one or more sentences
 */
public record CheckAdvice(CheckStatus status, String key, String subject, String text) {
    public CheckAdvice {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
    }
}
