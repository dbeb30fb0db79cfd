package io.mxray.dns;

import io.mxray.schema.DnssecStatus;
import io.mxray.schema.LookupOutcome;
import io.mxray.schema.TlsaLookup;
import java.util.List;

/**
 * What DNS says about one MX host name, whichever domain points at it: its addresses and their
 * DNSSEC status, the CNAME chain followed, and its TLSA lookup. Cached per scan: a provider's
 * host is resolved once for all the domains it serves.
 *
 * @param chainSecure whether the whole CNAME chain (if any) validated as secure
 * @param lookups     queries this host took
 */
record HostFacts(List<String> addresses, LookupOutcome outcome, String reason, List<String> cnameChain,
                 DnssecStatus dnssec, String dnssecReason, boolean chainSecure, TlsaLookup tlsa, int lookups) {
}
