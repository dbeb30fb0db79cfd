package io.mxray.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.dns.DnsConfig;
import io.mxray.dns.Resolvers;
import io.mxray.lab.Lab;
import io.mxray.lab.LabConfig;
import io.mxray.lab.Scenarios;
import io.mxray.runtime.FastEc;
import io.mxray.schema.DomainTask;
import io.mxray.schema.ProbeRequest;
import io.mxray.schema.ProbeResult;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.nio.file.Files;
import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/**
 * The probes' TLS with Conscrypt's NIST curves and BouncyCastle's X25519 must measure exactly what it measures with the
 * JDK's: every lab MX host probed both ways, every recorded fact compared.
 */
class FastEcTest {
    @Test
    void everyLabHostIsMeasuredAlikeWithConscryptsCurves() throws Exception {
        try (Lab lab = Lab.start(LabConfig.defaults(Files.createTempDirectory("lab")))) {
            DnsConfig dnsConfig = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                    .withTrustAnchor(lab.trustAnchorFile());
            List<ProbeRequest> requests = new ArrayList<>();
            try (Resolvers resolvers = Resolvers.create(dnsConfig, Clock.systemUTC())) {
                var dns = resolvers.stage(dnsConfig, Clock.systemUTC());
                for (var s : Scenarios.catalogue()) {
                    if (s.name().contains("slow")) {
                        continue; // a server that greets after seconds: nothing about TLS, and the test would wait
                    }
                    requests.addAll(dns.resolve(new DomainTask("scan", s.expected().domain(), null, 1))
                            .toCompletableFuture().join().probes());
                }
            }
            Map<String, ProbeRequest> unique = new LinkedHashMap<>();
            requests.forEach(r -> unique.putIfAbsent(r.probeKey(), r)); // a host that several domains share, once
            requests = List.copyOf(unique.values());
            assertTrue(requests.size() > 50, "probes of the lab's MX hosts: " + requests.size());

            Map<String, String> jdk = probeAll(lab, requests);
            String info = FastEc.install();
            assertTrue(info.contains("Conscrypt") && info.contains("BC"), "Conscrypt loads on this platform: " + info);
            try {
                assertEquals(FastEc.NAME, KeyPairGenerator.getInstance("EC").getProvider().getName());
                assertEquals(FastEc.NAME, KeyAgreement.getInstance("ECDH").getProvider().getName());
                assertEquals(FastEc.NAME, Signature.getInstance("SHA256withECDSA").getProvider().getName());
                assertEquals(FastEc.NAME, KeyPairGenerator.getInstance("XDH").getProvider().getName());
                assertEquals(FastEc.NAME, KeyAgreement.getInstance("XDH").getProvider().getName());
                // the JDK still decodes the server's share
                assertEquals("SunEC", java.security.KeyFactory.getInstance("XDH").getProvider().getName());
                Map<String, String> fast = probeAll(lab, requests);
                assertEquals(jdk.keySet(), fast.keySet());
                for (String key : jdk.keySet()) {
                    assertEquals(jdk.get(key), fast.get(key), key);
                }
                // every lab server settles on X25519; a server that picks the P-256 share (or a TLS 1.2
                // server that asks for a NIST curve) has it agreed as the JDK's TLS does it: our key
                // pair, the server's point decoded by the JDK, the secret the same on both sides
                for (String curve : List.of("secp256r1", "secp384r1", "secp521r1")) {
                    KeyPairGenerator ours = KeyPairGenerator.getInstance("EC");
                    ours.initialize(new java.security.spec.ECGenParameterSpec(curve));
                    KeyPairGenerator jdkSide = KeyPairGenerator.getInstance("EC", "SunEC");
                    jdkSide.initialize(new java.security.spec.ECGenParameterSpec(curve));
                    var client = ours.generateKeyPair();
                    var server = jdkSide.generateKeyPair();
                    var point = ((java.security.interfaces.ECPublicKey) server.getPublic()).getW();
                    var decoded = java.security.KeyFactory.getInstance("EC", "SunEC").generatePublic(
                            new java.security.spec.ECPublicKeySpec(point,
                                    ((java.security.interfaces.ECPublicKey) server.getPublic()).getParams()));
                    KeyAgreement a = KeyAgreement.getInstance("ECDH");
                    a.init(client.getPrivate());
                    a.doPhase(decoded, true);
                    KeyAgreement b = KeyAgreement.getInstance("ECDH", "SunEC");
                    b.init(server.getPrivate());
                    b.doPhase(client.getPublic(), true);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(b.generateSecret(), a.generateSecret(), curve);
                }
                // X25519 and X448 as the JDK's TLS 1.3 does them: our key pair (its public key read as
                // the JDK's interface, for the ClientHello), the server's u-coordinate decoded by the
                // JDK's key factory, the secret asked for as a TLS premaster secret; the same on both sides
                for (var spec : List.of(java.security.spec.NamedParameterSpec.X25519,
                        java.security.spec.NamedParameterSpec.X448)) {
                    KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH");
                    ours.initialize(spec);
                    KeyPairGenerator jdkSide = KeyPairGenerator.getInstance("XDH", "SunEC");
                    jdkSide.initialize(spec);
                    var client = ours.generateKeyPair();
                    var server = jdkSide.generateKeyPair();
                    var clientU = ((java.security.interfaces.XECPublicKey) client.getPublic()).getU();
                    var serverU = ((java.security.interfaces.XECPublicKey) server.getPublic()).getU();
                    var kf = java.security.KeyFactory.getInstance("XDH", "SunEC");
                    KeyAgreement a = KeyAgreement.getInstance("XDH");
                    a.init(client.getPrivate());
                    a.doPhase(kf.generatePublic(new java.security.spec.XECPublicKeySpec(spec, serverU)), true);
                    KeyAgreement b = KeyAgreement.getInstance("XDH", "SunEC");
                    b.init(server.getPrivate());
                    b.doPhase(kf.generatePublic(new java.security.spec.XECPublicKeySpec(spec, clientU)), true);
                    byte[] expected = b.generateSecret("TlsPremasterSecret").getEncoded();
                    org.junit.jupiter.api.Assertions.assertArrayEquals(expected,
                            a.generateSecret("TlsPremasterSecret").getEncoded(), spec.getName());
                    assertEquals(FastEc.NAME, a.getProvider().getName(), spec.getName());
                }
            } finally {
                Security.removeProvider(FastEc.NAME);
            }
        }
    }

    /** What each probe recorded, but its times, as text by probe key. */
    private static Map<String, String> probeAll(Lab lab, List<ProbeRequest> requests) {
        // the lab's addresses take the second handshake 100 ms after the first (politeness has tests of its own)
        SmtpConfig config = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30))
                .withPerIpInterval(Duration.ofMillis(100));
        Map<String, String> out = new LinkedHashMap<>();
        try (SmtpStage stage = new SmtpStage(config, new CertificateJudge(TrustStores.fromPem(lab.caFile()),
                Clock.systemUTC()), Clock.systemUTC())) {
            for (ProbeRequest request : requests) { // one at a time: no timeout from a crowded machine
                ProbeResult r = stage.probe(request).toCompletableFuture().join();
                var t = r.tls();
                out.put(r.probeKey() + "@" + r.ip(), "outcome=" + r.outcome() + " reason=" + r.reason() + " level="
                        + r.level() + " cert=" + r.certType() + " decided=" + r.decidedBy() + " dane=" + r.dane()
                        + (t == null ? "" : " protocol=" + t.protocol() + " cipher=" + t.cipher() + " group="
                        + t.group() + " sni=" + t.sni() + " chain=" + t.chainDer() + " legacy=" + t.legacy()));
            }
        }
        return out;
    }
}
