package io.mxray.schema;

/**
 * The verdict for one MX host address of a domain, as the aggregator assembles it.
 *
 * @param ip            the address probed, or null when the host had no usable address
 * @param outcome       how the probe ended, or that there was none
 * @param addressDnssec DNSSEC status of the host's address records
 * @param tlsa          the host's TLSA lookup (what DANE would use), on the host's first row only (a
 *                      host's RRset is carried once, however many addresses it has); null on the others
 * @param dane          what DANE says about this address, or null when it was not contacted
 * @param pkix          what the web PKI alone says of its chain, or null without TLS (the level is
 *                      DANE's where DANE applies; this keeps the web PKI's beside it)
 * @param mtaSts        whether the domain's MTA-STS policy names this host; null without a policy
 * @param mtaStsValid   whether the probe satisfies an MTA-STS sender (TLS 1.2 or later, a web PKI
 *                      chain for the host name); null without a policy
 */
public record MxHostVerdict(String mxHost, int preference, String ip, Level level, CertType certType,
                            HostOutcome outcome, String reason, DnssecStatus addressDnssec, TlsaLookup tlsa, DaneResult dane,
                            Level pkix, StsMatch mtaSts, Boolean mtaStsValid) {
    /** Without MTA-STS. */
    public MxHostVerdict(String mxHost, int preference, String ip, Level level, CertType certType, HostOutcome outcome,
                         String reason, DnssecStatus addressDnssec, TlsaLookup tlsa, DaneResult dane, Level pkix) {
        this(mxHost, preference, ip, level, certType, outcome, reason, addressDnssec, tlsa, dane, pkix, null, null);
    }

    /** This host, as an MTA-STS policy sees it. */
    public MxHostVerdict withMtaSts(StsMatch match, Boolean valid) {
        return new MxHostVerdict(mxHost, preference, ip, level, certType, outcome, reason, addressDnssec, tlsa, dane,
                pkix, match, valid);
    }

    /** Without a separate web PKI judgement. */
    public MxHostVerdict(String mxHost, int preference, String ip, Level level, CertType certType, HostOutcome outcome,
                         String reason, DnssecStatus addressDnssec, TlsaLookup tlsa, DaneResult dane) {
        this(mxHost, preference, ip, level, certType, outcome, reason, addressDnssec, tlsa, dane, null);
    }

    /** Without DNS facts (tests). */
    public MxHostVerdict(String mxHost, int preference, String ip, Level level, CertType certType, HostOutcome outcome,
                         String reason) {
        this(mxHost, preference, ip, level, certType, outcome, reason, null, null, null);
    }
}
