package io.mxray.schema;

import java.time.Instant;
import java.util.Objects;

/**
 * The fetch of one MTA-STS policy.
 *
 * @param ip          the address the policy came from (or the last one tried), null when none was contacted
 * @param reason      why there is no policy, null when valid
 * @param policy      the policy, when valid
 * @param tlsProtocol the TLS version of the connection, when a handshake completed
 * @param certType    what the web PKI says of the host's certificate for {@code host}, when a handshake completed
 * @param httpStatus  the response's status, when one came
 * @param contentType the response's media type, as sent (bounded)
 * @param body        the body as read, bounded by {@link Bounds#POLICY_CHARS} (control characters replaced)
 * @param bytes       the body's size in bytes, as far as it was read
 */
public record PolicyResult(String scanId, String policyKey, String domain, String host, String policyId,
                           PolicyStatus status, PolicyReason reason, MtaStsPolicy policy, String ip,
                           String tlsProtocol, CertType certType, Integer httpStatus, String contentType,
                           String body, long bytes, Instant fetchedAt, long elapsedMs) {
    public PolicyResult {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(policyKey, "policyKey");
        Objects.requireNonNull(status, "status");
        if (status == PolicyStatus.VALID) {
            Objects.requireNonNull(policy, "policy");
        } else {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A fetch that could not start: the DNS stage found no address for the policy host. */
    public static PolicyResult failed(String scanId, String domain, String policyId, PolicyReason reason, Instant at) {
        String host = PolicyRequest.hostOf(domain);
        return new PolicyResult(scanId, Keys.policyKey(scanId, host, policyId), domain, host, policyId,
                PolicyStatus.FAILED, reason, null, null, null, null, null, null, null, 0, at, 0);
    }

    public boolean valid() {
        return status == PolicyStatus.VALID;
    }
}
