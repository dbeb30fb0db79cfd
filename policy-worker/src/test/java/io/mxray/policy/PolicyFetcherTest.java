package io.mxray.policy;

import io.mxray.lab.LabCa;
import io.mxray.lab.LabPolicyServer;
import io.mxray.lab.PolicySpec;
import io.mxray.runtime.OptOut;
import io.mxray.schema.MtaStsPolicy;
import io.mxray.schema.PolicyRequest;
import io.mxray.schema.PolicyResult;
import io.mxray.schema.PolicyStatus;
import io.mxray.schema.StsMode;
import io.mxray.schema.TlsCoverage;
import io.mxray.verdict.CertificateJudge;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fetch against a lab HTTPS server on loopback, one policy host per failure RFC 8461 section
 * 3.3 names; every result is compared with the reason the scenario declares.
 */
class PolicyFetcherTest {
    static final String ADDRESS = "127.0.83.1";
    static final String TLS11_ADDRESS = "127.0.83.2";
    static final String POLICY = PolicySpec.policy("enforce", "mx1.good.test", "*.mail.good.test");
    static EventLoopGroup group;
    static LabCa ca;
    static LabPolicyServer server;
    static LabPolicyServer legacy;
    static int port;
    static final Map<String, PolicySpec> SPECS = new HashMap<>();
    static final Map<String, SslContext> CERTS = new HashMap<>();
    static PolicyFetcher fetcher;

    static PolicySpec serving() {
        return PolicySpec.serving(POLICY);
    }

    @BeforeAll
    static void start() throws Exception {
        TlsCoverage.widen(); // the TLS 1.1 server
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ca = new LabCa(Clock.systemUTC());
        SPECS.put("good.test", serving());
        SPECS.put("testing.test", PolicySpec.serving(PolicySpec.policy("testing", "mx.testing.test")));
        SPECS.put("crlf-less.test", PolicySpec.serving(POLICY.replace("\r\n", "\n")));
        SPECS.put("missing.test", serving().withStatus(404, null));
        SPECS.put("error.test", serving().withStatus(500, null));
        SPECS.put("moved.test", serving().withStatus(301, "https://elsewhere.test/.well-known/mta-sts.txt"));
        SPECS.put("html.test", serving().withContentType("text/html"));
        SPECS.put("no-type.test", serving().withContentType(null));
        SPECS.put("charset.test", serving().withContentType("Text/Plain; charset=utf-8"));
        SPECS.put("huge.test", PolicySpec.serving(POLICY + "x-pad: " + "a".repeat(70_000) + "\n"));
        SPECS.put("broken.test", PolicySpec.serving("<html>hello</html>"));
        SPECS.put("no-mx.test", PolicySpec.serving("version: STSv1\nmode: enforce\nmax_age: 86400\n"));
        SPECS.put("self-signed.test", serving().withCert(PolicySpec.Cert.SELF_SIGNED));
        SPECS.put("wrong-name.test", serving().withCert(PolicySpec.Cert.WRONG_NAME));
        SPECS.put("expired.test", serving().withCert(PolicySpec.Cert.EXPIRED));
        SPECS.put("slow.test", serving().withDelay(Duration.ofSeconds(5)));
        SPECS.put("legacy.test", serving());
        for (var e : SPECS.entrySet()) {
            CERTS.put("mta-sts." + e.getKey(), context(e.getValue().cert(), "mta-sts." + e.getKey(), null));
        }
        CERTS.put("mta-sts.unknown.test", context(PolicySpec.Cert.VALID, "mta-sts.unknown.test", null));
        server = LabPolicyServer.bind(new InetSocketAddress(ADDRESS, 0), CERTS::get,
                host -> host.startsWith("mta-sts.") ? SPECS.get(host.substring(8)) : null, group).join();
        port = server.address().getPort();
        legacy = LabPolicyServer.bind(new InetSocketAddress(TLS11_ADDRESS, port),
                name -> context(PolicySpec.Cert.VALID, name, "TLSv1.1"), host -> serving(), group).join();
        PolicyConfig d = PolicyConfig.defaults();
        PolicyConfig config = new PolicyConfig(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(1),
                Duration.ofSeconds(2), 2, Duration.ZERO, 100, true,
                OptOut.parse(List.of("opted-out.test"), "test"), d.userAgent(), 443);
        fetcher = new PolicyFetcher(config.withPort(port), new CertificateJudge(Set.of(new TrustAnchor(ca.root(), null)),
                Clock.systemUTC()), Clock.systemUTC());
    }

    static SslContext context(PolicySpec.Cert cert, String host, String protocol) {
        Instant now = Instant.now();
        LabCa.Issued issued = switch (cert) {
            case VALID -> ca.issue(List.of(host));
            case SELF_SIGNED -> ca.selfSigned(List.of(host));
            case WRONG_NAME -> ca.issue(List.of("www.elsewhere.test"));
            case EXPIRED -> ca.issue(List.of(host), now.minus(Duration.ofDays(90)), now.minus(Duration.ofDays(1)));
        };
        try {
            SslContextBuilder b = SslContextBuilder.forServer(issued.key(), issued.chain().toArray(X509Certificate[]::new))
                    .sslProvider(SslProvider.JDK);
            if (protocol != null) {
                b.protocols(protocol);
            }
            return b.build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        fetcher.close();
        server.close();
        legacy.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    static PolicyResult fetch(String domain, String... addresses) {
        PolicyRequest r = PolicyRequest.of("20261202T000000Z-test", domain, "id1",
                addresses.length == 0 ? List.of(ADDRESS) : List.of(addresses));
        return fetcher.fetch(r).toCompletableFuture().join();
    }

    static String reason(String domain) {
        PolicyResult r = fetch(domain);
        return r.reason() == null ? r.status().key() : r.status().key() + " " + r.reason().text();
    }

    @Test
    void aPolicyServedAsTheRfcAsksIsRead() {
        PolicyResult r = fetch("good.test");
        assertEquals(PolicyStatus.VALID, r.status(), String.valueOf(r.reason()));
        assertEquals(new MtaStsPolicy(StsMode.ENFORCE, List.of("mx1.good.test", "*.mail.good.test"), 86400), r.policy());
        assertEquals(200, r.httpStatus());
        assertEquals(ADDRESS, r.ip());
        assertTrue(r.tlsProtocol().equals("TLSv1.3") || r.tlsProtocol().equals("TLSv1.2"), r.tlsProtocol());
        assertEquals(POLICY, r.body());
        assertEquals(POLICY.length(), r.bytes());
        assertNull(r.reason());
        assertTrue(server.requests().contains("mta-sts.good.test mta-sts.good.test:" + port + " /.well-known/mta-sts.txt"),
                "SNI and Host name the policy host: " + server.requests());
        assertEquals(StsMode.TESTING, fetch("testing.test").policy().mode());
        assertEquals(PolicyStatus.VALID, fetch("crlf-less.test").status());
        assertEquals("valid", reason("charset.test"), "a charset parameter and the case of the type do not matter");
    }

    @Test
    void everyHttpFailureHasItsStableReason() {
        assertEquals("failed policy-http-404", reason("missing.test"));
        assertEquals("failed policy-http-500", reason("error.test"));
        assertEquals("failed policy-http-404", reason("unknown.test"), "a host the server knows nothing of");
        assertEquals("failed policy-redirect:301", reason("moved.test"));
        assertEquals("failed policy-content-type", reason("html.test"));
        assertEquals("text/html", fetch("html.test").contentType());
        assertEquals("failed policy-content-type", reason("no-type.test"));
        assertEquals("failed policy-too-large", reason("huge.test"));
        assertEquals("failed policy-syntax:line-1", reason("broken.test"));
        assertEquals("<html>hello</html>", fetch("broken.test").body(), "what was served is kept");
        assertEquals("failed policy-mx-missing", reason("no-mx.test"));
        assertEquals("failed policy-timeout:headers", reason("slow.test"));
    }

    @Test
    void aSenderDoesNotAskAHostItCannotAuthenticate() {
        int before = server.requests().size();
        assertEquals("failed policy-tls-untrusted:self-signed", reason("self-signed.test"));
        assertEquals("failed policy-tls-name-mismatch", reason("wrong-name.test"));
        assertEquals("failed policy-tls-expired:expired", reason("expired.test"));
        assertEquals(before, server.requests().size(), "no request after a certificate that fails: " + server.requests());
        PolicyResult legacyOnly = fetch("legacy.test", TLS11_ADDRESS);
        assertEquals(PolicyStatus.FAILED, legacyOnly.status());
        assertEquals("policy-tls-version", legacyOnly.reason().key().key(), legacyOnly.reason().text());
    }

    @Test
    void politenessAndAddresses() throws Exception {
        assertEquals("skipped policy-opt-out:opt-out-domain", reason("opted-out.test"));
        PolicyConfig strict = PolicyConfig.defaults().withPort(port);
        try (PolicyFetcher publicOnly = new PolicyFetcher(strict, new CertificateJudge(
                Set.of(new TrustAnchor(ca.root(), null)), Clock.systemUTC()), Clock.systemUTC())) {
            PolicyResult r = publicOnly.fetch(PolicyRequest.of("s", "good.test", "id1", List.of(ADDRESS)))
                    .toCompletableFuture().join();
            assertEquals("skipped policy-host-non-public:non-public-address",
                    r.status().key() + " " + r.reason().text());
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.83.3"))) {
            closed = s.getLocalPort();
        }
        // nothing listens on the first address: the next one is tried
        PolicyResult r = fetcher.fetch(PolicyRequest.of("s", "good.test", "id1", List.of("127.0.83.3", ADDRESS)))
                .toCompletableFuture().join();
        assertEquals(PolicyStatus.VALID, r.status(), String.valueOf(r.reason()));
        assertEquals(ADDRESS, r.ip());
        PolicyResult refused;
        try (PolicyFetcher elsewhere = new PolicyFetcher(fetcher.config().withPort(closed), new CertificateJudge(
                Set.of(new TrustAnchor(ca.root(), null)), Clock.systemUTC()), Clock.systemUTC())) {
            refused = elsewhere.fetch(PolicyRequest.of("s", "good.test", "id1", List.of("127.0.83.3")))
                    .toCompletableFuture().join();
        }
        assertEquals("policy-connect-refused", refused.reason().text());
    }
}
