package io.mxray.lab.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * The lab root's trust anchor, written in the forms validators read: a DS record in zone-file
 * form ({@code root.ds}, like Debian's /usr/share/dns/root.ds; dnsjava reads it), the DNSKEY
 * ({@code root.key}), and BIND's {@code trust-anchors} statement ({@code trust-anchors.conf},
 * for {@code delv -a}).
 */
public final class TrustAnchor {
    private TrustAnchor() {
    }

    public static DSRecord ds(DNSKEYRecord ksk) {
        return new DSRecord(Name.root, DClass.IN, 86400, DSRecord.Digest.SHA256, ksk);
    }

    public static void write(Path dir, DNSKEYRecord rootKsk) throws IOException {
        DSRecord ds = ds(rootKsk);
        Files.writeString(dir.resolve("root.ds"), ds + "\n");
        Files.writeString(dir.resolve("root.key"), rootKsk + "\n");
        String hex = HexFormat.of().withUpperCase().formatHex(ds.getDigest());
        Files.writeString(dir.resolve("trust-anchors.conf"), "trust-anchors {\n    . static-ds " + ds.getFootprint()
                + " " + ds.getAlgorithm() + " " + ds.getDigestID() + " \"" + hex + "\";\n};\n");
    }
}
