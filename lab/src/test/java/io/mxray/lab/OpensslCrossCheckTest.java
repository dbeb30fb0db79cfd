package io.mxray.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.schema.CertType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab's TLS, judged by a TLS client mxray does not contain: {@code openssl s_client
 * -starttls smtp} must see, for every host, the chain length the scenario sets up, the declared
 * protocol, and the verification result its declared certificate type means; and no TLS session
 * where the scenario declares none.
 */
class OpensslCrossCheckTest {
    /** OpenSSL's verify codes (X509_V_ERR_*) for the certificate types of the SPEC. */
    private static final Map<CertType, Set<Integer>> VERIFY_CODES = Map.of(
            CertType.CA_VALID, Set.of(0),
            CertType.CA_NAME_MISMATCH, Set.of(62),
            CertType.EXPIRED, Set.of(10),
            CertType.NOT_YET_VALID, Set.of(9),
            CertType.SELF_SIGNED, Set.of(18),
            CertType.UNTRUSTED_ISSUER, Set.of(20, 21));
    private static final Pattern SESSION = Pattern.compile("^New, (\\S+), Cipher is (\\S+)", Pattern.MULTILINE);
    private static final Pattern VERIFY = Pattern.compile("Verify return code: (\\d+)");
    /**
     * The negotiated version, from the session block: the "New, ..." line names the version of the
     * cipher suite (TLSv1.0 for a CBC-SHA suite even in a TLS 1.1 session).
     */
    private static final Pattern PROTOCOL = Pattern.compile("^\\s*Protocol\\s*:\\s*(\\S+)", Pattern.MULTILINE);
    private static final Pattern CHAIN_ENTRY = Pattern.compile("^\\s*\\d+ s:", Pattern.MULTILINE);
    private static Lab lab;

    @BeforeAll
    static void start() throws Exception {
        ReferenceTool.require("openssl", "openssl");
        lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")));
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    record Seen(String protocol, Integer verify, int chain) {
    }

    /**
     * @param legacy the declared protocol when it is TLS 1.0 or 1.1: OpenSSL 3 speaks those only at
     *               security level 0 and when asked for them (Debian's MinProtocol is TLSv1.2)
     */
    static Seen sClient(String host, String legacy) {
        String ip = lab.addressOf(host);
        String target = (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + lab.smtpPort();
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-starttls", "smtp", "-connect", target,
                "-servername", host, "-showcerts", "-CAfile", lab.caFile().toString(), "-verify_hostname", host));
        if (legacy != null) {
            command.addAll(List.of("-cipher", "DEFAULT@SECLEVEL=0", legacy.equals("TLSv1") ? "-tls1" : "-tls1_1"));
        }
        String out = ReferenceTool.run(command, new byte[0], 60);
        Matcher s = SESSION.matcher(out);
        Matcher negotiated = PROTOCOL.matcher(out);
        String protocol = s.find() && !s.group(1).equals("(NONE),") && !s.group(1).startsWith("(NONE)")
                ? (negotiated.find() ? negotiated.group(1) : s.group(1).replace(",", "")) : null;
        if ("TLSv1.0".equals(protocol)) {
            protocol = "TLSv1"; // OpenSSL's name; the lab declares the JDK's (and IANA's registry) name
        }
        Integer verify = null;
        Matcher v = VERIFY.matcher(out);
        while (v.find()) {
            verify = Integer.valueOf(v.group(1));
        }
        int chain = (int) CHAIN_ENTRY.matcher(out).results().count();
        return new Seen(protocol, protocol == null ? null : verify, chain);
    }

    record Check(String scenario, HostSpec host) {
    }

    @Test
    void opensslSeesWhatEveryTlsScenarioDeclares() throws Exception {
        List<Check> checks = new ArrayList<>();
        for (Scenario s : Scenarios.catalogue()) {
            for (Scenario.Mx mx : s.mx()) {
                String outcome = mx.host().expect().outcome();
                if (List.of("tls-established", "handshake-failed", "no-starttls", "starttls-refused").contains(outcome)) {
                    checks.add(new Check(s.name(), mx.host()));
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<String> disagreements = new ArrayList<>();
        try {
            List<Future<Seen>> seen = new ArrayList<>();
            for (Check c : checks) {
                String declared = c.host().expect().protocol();
                String legacy = "TLSv1".equals(declared) || "TLSv1.1".equals(declared) ? declared : null;
                seen.add(pool.submit(() -> sClient(c.host().name(), legacy)));
            }
            for (int i = 0; i < checks.size(); i++) {
                Check c = checks.get(i);
                Seen got = seen.get(i).get();
                HostSpec.Expect e = c.host().expect();
                String where = c.scenario() + " (" + c.host().name() + "): ";
                if (!e.outcome().equals("tls-established")) {
                    if (got.protocol() != null) {
                        disagreements.add(where + "declared no TLS session, openssl got " + got.protocol());
                    }
                    continue;
                }
                if (got.protocol() == null) {
                    disagreements.add(where + "declared a TLS session, openssl got none");
                    continue;
                }
                if (e.protocol() != null && !e.protocol().equals(got.protocol())) {
                    disagreements.add(where + "protocol declared " + e.protocol() + ", openssl got " + got.protocol());
                }
                CertSpec cert = c.host().server().cert();
                int chain = cert == CertSpec.INTERMEDIATE_CHAIN || cert == CertSpec.PRIVATE_CA_CHAIN
                        || cert == CertSpec.LAB_CA_WITH_ROOT ? 2 : 1;
                if (got.chain() != chain) {
                    disagreements.add(where + "chain of " + chain + " set up, openssl saw " + got.chain());
                }
                if (e.certType() == CertType.DANE_ONLY) {
                    if (got.verify() == 0) {
                        disagreements.add(where + "declared dane-only (PKIX fails), openssl verified it");
                    }
                } else if (!VERIFY_CODES.get(e.certType()).contains(got.verify())) {
                    disagreements.add(where + "declared " + e.certType().key() + " (OpenSSL codes "
                            + VERIFY_CODES.get(e.certType()) + "), openssl says " + got.verify());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), disagreements, checks.size() + " hosts checked");
    }
}
