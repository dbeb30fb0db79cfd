package io.mxray.lab;

import static io.mxray.lab.HostSpec.host;
import static io.mxray.lab.ServerSpec.noStarttls;
import static io.mxray.lab.ServerSpec.refusing;
import static io.mxray.lab.ServerSpec.starttls;

import io.mxray.schema.CertType;
import io.mxray.schema.DnsOutcome;
import io.mxray.schema.Level;
import java.util.List;

/**
 * The lab's scenario catalogue. Each scenario states its setup and, by hand, the verdict a
 * correct scanner must reach; the ground-truth file is written from these declarations.
 */
public final class Scenarios {
    /** The lab's top-level domain (RFC 6761 reserves {@code test}). */
    public static final String TLD = "test";

    private Scenarios() {
    }

    private static final String TLS = "tls-established";

    /** The first catalogue: the certificate and reachability cases every later scenario builds on. */
    public static List<Scenario> basic() {
        HostSpec provider = host("mx.provider.test", starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED,
                CertType.CA_VALID, TLS);
        return List.of(
                mx("tls-valid", "tls", "STARTTLS with a lab-CA certificate naming the MX host",
                        10, host("mx.tls-valid.test", starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED,
                                CertType.CA_VALID, TLS)),
                mx("no-starttls", "tls", "EHLO does not offer STARTTLS",
                        10, host("mx.no-starttls.test", noStarttls(), Level.PLAINTEXT, null, "no-starttls")),
                mx("self-signed", "tls", "STARTTLS with a self-signed certificate",
                        10, host("mx.self-signed.test", starttls(CertSpec.SELF_SIGNED), Level.UNTRUSTED,
                                CertType.SELF_SIGNED, TLS)),
                mx("expired", "tls", "STARTTLS with a lab-CA certificate that expired 30 days ago",
                        10, host("mx.expired.test", starttls(CertSpec.EXPIRED), Level.UNTRUSTED,
                                CertType.EXPIRED, TLS)),
                mx("not-yet-valid", "tls", "STARTTLS with a lab-CA certificate valid from 30 days on",
                        10, host("mx.not-yet-valid.test", starttls(CertSpec.NOT_YET_VALID), Level.UNTRUSTED,
                                CertType.NOT_YET_VALID, TLS)),
                mx("wrong-name", "tls", "STARTTLS with a lab-CA certificate for another name",
                        10, host("mx.wrong-name.test", starttls(CertSpec.WRONG_NAME), Level.TRUSTED,
                                CertType.CA_NAME_MISMATCH, TLS)),
                mx("refused", "reachability", "the MX host refuses connections on port 25",
                        10, host("mx.refused.test", refusing(), Level.UNREACHABLE, null, "connection-refused")),
                mx("no-address", "reachability", "the MX host name has no address records",
                        10, HostSpec.withoutAddress("mx.no-address.test")),
                new Scenario("two-mx", "mx", "two MX hosts of different quality: verified and plaintext",
                        "two-mx.test", Scenario.Mail.MX, DnsOutcome.MX, List.of(
                        new Scenario.Mx(10, host("mx1.two-mx.test", starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED,
                                CertType.CA_VALID, TLS)),
                        new Scenario.Mx(20, host("mx2.two-mx.test", noStarttls(), Level.PLAINTEXT, null,
                                "no-starttls")))),
                mx("shared-a", "mx", "MX host shared with shared-b.test (a provider)", 10, provider),
                mx("shared-b", "mx", "MX host shared with shared-a.test (a provider)", 10, provider),
                new Scenario("null-mx", "dns", "null MX (RFC 7505): accepts no mail", "null-mx.test",
                        Scenario.Mail.NULL_MX, DnsOutcome.NULL_MX, List.of()),
                new Scenario("implicit-mx", "dns", "no MX, an address at the domain: implicit MX",
                        "implicit-mx.test", Scenario.Mail.IMPLICIT, DnsOutcome.IMPLICIT_MX, List.of(
                        new Scenario.Mx(0, host("implicit-mx.test", starttls(CertSpec.LAB_CA_VALID), Level.VERIFIED,
                                CertType.CA_VALID, TLS)))),
                new Scenario("nxdomain", "dns", "the domain does not exist", "nxdomain.test",
                        Scenario.Mail.NONE, DnsOutcome.NXDOMAIN, List.of()));
    }

    private static Scenario mx(String name, String family, String description, int preference, HostSpec host) {
        return new Scenario(name, family, description, name + "." + TLD, Scenario.Mail.MX, DnsOutcome.MX,
                List.of(new Scenario.Mx(preference, host)));
    }
}
