package io.mxray.lab;

import io.mxray.schema.DnssecStatus;
import java.util.List;

/** BIND's delv, pointed at a lab with its trust anchor: an independent DNSSEC verdict. */
public final class Delv {
    private Delv() {
    }

    /**
     * Where BIND knowingly departs from the RFCs the lab follows, by "name type": what delv says
     * instead. Tests check that delv still says exactly that (if BIND changes, the entry goes).
     * <ul>
     *   <li>RFC 5155 section 9.2: no AD for a closest encloser proof whose next-closer NSEC3 has
     *       the opt-out bit (an unsigned delegation may hide in the span); Unbound and dnsjava
     *       follow it, BIND 9.18 calls such an NXDOMAIN secure.</li>
     * </ul>
     */
    public static final java.util.Map<String, DnssecStatus> KNOWN_DIFFERENCES = java.util.Map.of(
            "nxdomain.optout MX", DnssecStatus.SECURE);

    /** Null when delv agrees with the RFCs on (name, type), else what it says instead. */
    public static DnssecStatus knownDifference(String name, String type) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return KNOWN_DIFFERENCES.get(n + " " + type);
    }

    public static void require() {
        ReferenceTool.require("delv", "bind9-dnsutils");
    }

    /** What delv concludes for (name, type), from its final status line (RFC 4035 terms). */
    public static DnssecStatus status(Lab lab, String name, String type) {
        String out = ReferenceTool.run(List.of("delv", "@" + lab.resolver().getAddress().getHostAddress(),
                "-p", String.valueOf(lab.resolver().getPort()), "-a",
                lab.dir().resolve("trust-anchors.conf").toString(), "+root=.", name, type), null, 30);
        for (String line : out.lines().toList()) {
            if (line.equals("; fully validated") || line.equals("; negative response, fully validated")) {
                return DnssecStatus.SECURE;
            }
            if (line.equals("; unsigned answer") || line.equals("; negative response, unsigned answer")) {
                return DnssecStatus.INSECURE;
            }
        }
        if (out.contains(";; resolution failed:")) {
            return DnssecStatus.BOGUS;
        }
        throw new AssertionError("delv " + name + " " + type + " said nothing conclusive:\n" + out);
    }
}
