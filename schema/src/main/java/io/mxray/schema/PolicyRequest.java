package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * An MTA-STS policy to fetch (RFC 8461 section 3.3): {@code https://<host>/.well-known/mta-sts.txt}
 * from the addresses the DNS stage found for the host, tried in order.
 *
 * @param policyKey one fetch per scan, policy host and policy id ({@link Keys#policyKey})
 * @param domain    the policy domain (whose MX hosts the policy covers)
 * @param host      {@code mta-sts.<domain>}: the name sent as SNI and Host, and the name the certificate must carry
 * @param policyId  the {@code id} of the domain's TXT record
 * @param addresses the host's addresses, as the DNS stage found them
 */
public record PolicyRequest(String scanId, String policyKey, String domain, String host, String policyId,
                            List<String> addresses) {
    public PolicyRequest {
        Objects.requireNonNull(scanId, "scanId");
        Objects.requireNonNull(policyKey, "policyKey");
        Objects.requireNonNull(host, "host");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no address to fetch " + host + " from");
        }
    }

    public static PolicyRequest of(String scanId, String domain, String policyId, List<String> addresses) {
        String host = PolicyRequest.hostOf(domain);
        return new PolicyRequest(scanId, Keys.policyKey(scanId, host, policyId), domain, host, policyId, addresses);
    }

    /** RFC 8461 section 3.3: the policy host of a domain. */
    public static String hostOf(String domain) {
        return "mta-sts." + domain;
    }
}
