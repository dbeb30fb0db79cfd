package io.mxray.verdict;

import io.mxray.schema.DnsResult;
import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.MxHostVerdict;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.StsDelivery;
import io.mxray.schema.StsMatch;
import io.mxray.schema.StsMode;
import io.mxray.schema.StsVerdict;
import io.mxray.schema.TxtStatus;

import java.util.ArrayList;
import java.util.List;

/**
 * What a sender that enforces MTA-STS (RFC 8461 section 5) does with a domain's mail, from its
 * TXT record, the policy fetched and the probes of its MX hosts. Pure.
 *
 * <p>A sender that finds a valid TXT record but cannot fetch a policy, and holds none from before,
 * delivers as without MTA-STS (section 3.3): mxray judges as a first-time sender, so a failed
 * fetch makes the policy not apply (and says why). Enforce: only MX hosts that match a pattern
 * (section 4.1) and offer TLS 1.2 or later with a chain the web PKI validates for the MX host name
 * (section 4.2) may receive mail. Testing: delivered regardless, failures reported.
 */
public final class MtaStsSender {
    private MtaStsSender() {
    }

    /** The policy in force, or null when none applies (no valid TXT, no policy fetched, mode none). */
    static MtaStsPolicy enforced(DnsResult dns, PolicyResult policy) {
        if (dns.mtaSts() == null || dns.mtaSts().status() != TxtStatus.VALID || policy == null || !policy.valid()
                || policy.policy().mode() == StsMode.NONE) {
            return null;
        }
        return policy.policy();
    }

    /**
     * The hosts, each marked with whether the policy names it and whether its probe satisfies a
     * sender; unchanged when no policy applies.
     *
     * @param satisfied per host, in the order of {@code hosts}: whether its probe satisfies a sender
     */
    static List<MxHostVerdict> mark(List<MxHostVerdict> hosts, List<Boolean> satisfied, MtaStsPolicy policy) {
        if (policy == null) {
            return hosts;
        }
        List<MxHostVerdict> out = new ArrayList<>(hosts.size());
        for (int i = 0; i < hosts.size(); i++) {
            MxHostVerdict h = hosts.get(i);
            out.add(h.withMtaSts(StsPolicyParser.matchesAny(policy, h.mxHost()) ? StsMatch.MATCH : StsMatch.NO_MATCH,
                    satisfied.get(i)));
        }
        return out;
    }

    /** The domain's MTA-STS verdict, from hosts already {@link #mark marked}. */
    static StsVerdict verdict(DnsResult dns, PolicyResult policy, List<MxHostVerdict> hosts) {
        if (dns.mtaSts() == null || dns.mtaSts().status() != TxtStatus.VALID) {
            String txt = dns.mtaSts() == null ? "none" : dns.mtaSts().status().key();
            return new StsVerdict(null, null, null, null, null, null, StsDelivery.NOT_APPLICABLE, "txt-" + txt);
        }
        String id = dns.mtaSts().id();
        if (policy == null) {
            return new StsVerdict(id, null, null, null, null, null, StsDelivery.NOT_APPLICABLE, "policy-missing");
        }
        if (!policy.valid()) {
            String why = policy.reason().text();
            return new StsVerdict(id, policy.status(), why, null, null, null, StsDelivery.NOT_APPLICABLE, why);
        }
        MtaStsPolicy p = policy.policy();
        if (p.mode() == StsMode.NONE) {
            return new StsVerdict(id, policy.status(), null, p.mode(), p.mx(), p.maxAge(), StsDelivery.NOT_APPLICABLE,
                    "mode-none");
        }
        boolean anyMatch = false;
        for (MxHostVerdict h : hosts) {
            if (h.mtaSts() == StsMatch.MATCH) {
                anyMatch = true;
                if (Boolean.TRUE.equals(h.mtaStsValid())) {
                    return new StsVerdict(id, policy.status(), null, p.mode(), p.mx(), p.maxAge(), StsDelivery.DELIVER,
                            null);
                }
            }
        }
        String why = anyMatch ? "no-valid-tls" : "no-mx-match";
        return new StsVerdict(id, policy.status(), null, p.mode(), p.mx(), p.maxAge(),
                p.mode() == StsMode.ENFORCE ? StsDelivery.BOUNCE : StsDelivery.TESTING_WOULD_FAIL, why);
    }

    /**
     * Why an MTA-STS sender in enforce mode would not hand mail to this address, or null when it
     * would (or no enforce policy applies).
     */
    static String refusal(MxHostVerdict h, MtaStsPolicy enforced) {
        if (enforced == null || enforced.mode() != StsMode.ENFORCE || h.mtaSts() == null) {
            return null;
        }
        if (h.mtaSts() == StsMatch.NO_MATCH) {
            return "mta-sts-no-match";
        }
        return Boolean.TRUE.equals(h.mtaStsValid()) ? null : "mta-sts-invalid-tls";
    }
}
