package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * A domain's MTA-STS, as a sender that enforces it sees it: the policy fetched (or why there is
 * none) and what the sender does with mail for the domain.
 *
 * @param policyId       the id of the domain's TXT record, when valid
 * @param status         how the policy fetch ended; null when none was made (no valid TXT record)
 * @param reason         why there is no policy, as {@link PolicyReason} text
 * @param mode           the policy's mode, when valid
 * @param mx             the policy's MX patterns, when valid
 * @param maxAge         the policy's max_age, when valid
 * @param delivery       what an MTA-STS sender does
 * @param deliveryReason why it does not simply deliver ({@code txt-none}, {@code mode-none}, a policy
 *                       reason, {@code no-mx-match}, {@code no-valid-tls}), or null
 */
public record StsVerdict(String policyId, PolicyStatus status, String reason, StsMode mode, List<String> mx,
                         Long maxAge, StsDelivery delivery, String deliveryReason) {
    public StsVerdict {
        Objects.requireNonNull(delivery, "delivery");
        mx = mx == null || mx.isEmpty() ? null : List.copyOf(mx);
    }
}
