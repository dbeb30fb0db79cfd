package io.mxray.lab;

import io.mxray.schema.DnssecStatus;
import java.util.List;

/** BIND's delv, pointed at a lab with its trust anchor: an independent DNSSEC verdict. */
public final class Delv {
    private Delv() {
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
