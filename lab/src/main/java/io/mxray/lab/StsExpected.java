package io.mxray.lab;

import io.mxray.schema.Delivery;
import io.mxray.schema.PolicyStatus;
import io.mxray.schema.StsDelivery;

import java.util.List;
import java.util.Objects;

/**
 * The declared MTA-STS verdict of a lab domain (RFC 8461), written from the scenario, never from
 * the scanner's code.
 *
 * @param policy         how the policy fetch ends (null: no fetch, the TXT record is not valid)
 * @param policyReason   why there is no policy, as its stable key (null when valid)
 * @param delivery       what a sender that enforces MTA-STS does
 * @param deliveryReason why it does not simply deliver, or null
 * @param combined       what a sender that enforces DANE and MTA-STS does
 * @param matched        the MX host names the policy's patterns cover (null: no policy in force)
 */
public record StsExpected(PolicyStatus policy, String policyReason, StsDelivery delivery, String deliveryReason,
                          Delivery combined, List<String> matched) {
    public StsExpected {
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(combined, "combined");
        matched = matched == null ? null : List.copyOf(matched);
    }
}
