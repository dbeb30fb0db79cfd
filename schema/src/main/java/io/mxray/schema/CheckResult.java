package io.mxray.schema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code mxray check} found about one domain, now: the DNS stage's result, each MX
 * host address as probed, the domain's verdict as the aggregator would assemble it, the advice
 * and the overall status.
 *
 * @param input     the name as given
 * @param domain    the normalized domain, or null when the input is not a domain name
 * @param error     why the domain could not be checked at all (an unusable name), or null
 * @param dns       the DNS stage's result, or null when the name was unusable
 * @param addresses one per probed MX host address, in MX preference order
 * @param verdict   the domain's verdict, or null when the name was unusable
 */
public record CheckResult(String input, String domain, CheckStatus status, String error, Instant checkedAt,
                          long elapsedMs, DnsResult dns, List<CheckedAddress> addresses, DomainResult verdict,
                          List<CheckAdvice> advice, PolicyResult policy) {
    public CheckResult {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkedAt, "checkedAt");
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        advice = advice == null ? List.of() : List.copyOf(advice);
    }

    /** Without an MTA-STS policy fetch. */
    public CheckResult(String input, String domain, CheckStatus status, String error, Instant checkedAt,
                       long elapsedMs, DnsResult dns, List<CheckedAddress> addresses, DomainResult verdict,
                       List<CheckAdvice> advice) {
        this(input, domain, status, error, checkedAt, elapsedMs, dns, addresses, verdict, advice, null);
    }
}
