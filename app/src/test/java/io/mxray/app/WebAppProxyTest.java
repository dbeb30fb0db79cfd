package io.mxray.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mxray.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Behind a trusted reverse proxy (here: this machine), the check limits apply to each client the
 * proxy names in X-Forwarded-For, one check a minute each for this test.
 */
class WebAppProxyTest {
    static {
        io.mxray.runtime.Jvm.prepare(); // before the HTTP client makes the JVM's TLS context
    }

    @Test
    void eachForwardedClientHasItsOwnLimit() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            Database db = new Database(pg.getJdbcUrl("postgres", "postgres"), null, null);
            db.migrate();
            WebApp.Checks base = WebAppTest.checks();
            WebApp.Checks checks = new WebApp.Checks(base.checkers(), 1, 1, 10, false, List.of("127.0.0.0/8"));
            try (WebApp app = WebApp.start(db, new InetSocketAddress("127.0.0.1", 0), checks)) {
                assertEquals(202, ask(app, "198.51.100.1"));
                assertEquals(429, ask(app, "198.51.100.1"), "the same client again");
                assertEquals(202, ask(app, "198.51.100.2"), "another client");
                assertEquals(429, ask(app, "198.51.100.1, 127.0.0.5"), "through a second proxy: still the first");
                assertEquals(202, ask(app, null), "the proxy itself");
                assertEquals(429, ask(app, null));
            }
        }
    }

    private static int ask(WebApp app, String forwardedFor) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(app.url()).resolve("/api/check?domain=not..a.domain"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (forwardedFor != null) {
            r.header("X-Forwarded-For", forwardedFor);
        }
        return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
