package io.mxray.schema;

import java.util.List;
import java.util.Objects;

/**
 * One MX host of a domain as DNS described it.
 *
 * @param name           the exchange name (lower case, no trailing dot)
 * @param preference     the MX preference (0 for an implicit MX)
 * @param addresses      IPv4 and IPv6 addresses in textual form, IPv4 first
 * @param addressOutcome how the address lookups ended ({@code ok} when any address was found)
 * @param reason         stable key explaining a failed lookup, or null
 * @param cnameChain     CNAME targets followed from {@code name} to the addresses, in order
 * @param addressDnssec  DNSSEC status of the address answers (the worse of A and AAAA), null if unknown
 * @param dnssecReason   the validator's reason for a bogus address answer
 * @param tlsa           the TLSA lookup and why it was or was not made (null without addresses)
 */
public record MxHost(String name, int preference, List<String> addresses, LookupOutcome addressOutcome,
                     String reason, List<String> cnameChain, DnssecStatus addressDnssec, String dnssecReason,
                     TlsaLookup tlsa) {
    public MxHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(addressOutcome, "addressOutcome");
        addresses = List.copyOf(addresses);
        cnameChain = cnameChain == null ? List.of() : List.copyOf(cnameChain);
    }

    /** Without DNSSEC facts (tests and older messages). */
    public MxHost(String name, int preference, List<String> addresses, LookupOutcome addressOutcome, String reason,
                  List<String> cnameChain) {
        this(name, preference, addresses, addressOutcome, reason, cnameChain, null, null, null);
    }
}
