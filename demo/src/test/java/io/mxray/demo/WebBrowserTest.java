package io.mxray.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mxray.app.Mxray;
import io.mxray.dns.DnsConfig;
import io.mxray.lab.ExpectedDomain;
import io.mxray.lab.Lab;
import io.mxray.lab.LabCa;
import io.mxray.lab.LabConfig;
import io.mxray.lab.ReferenceTool;
import io.mxray.lab.Scenario;
import io.mxray.lab.Scenarios;
import io.mxray.local.Infrastructure;
import io.mxray.local.Pipeline;
import io.mxray.scheduler.ScanSummary;
import io.mxray.smtp.SmtpConfig;
import io.mxray.store.ScanResults;
import io.mxray.verdict.CertificateJudge;
import io.mxray.verdict.TrustStores;
import java.io.StringReader;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code mxray serve} in a real browser: Debian's Chromium, driven through its chromedriver, on a
 * database holding two lab scans (five scenarios switched between them, as {@link HistoryTest})
 * and a server started as a user starts it ({@code mxray serve} with the lab's options, so its
 * checks reach the lab). The charts render, the domain timeline shows what the lab switched,
 * lists page, sort and filter, the check form gives the lab's declared verdict and keeps it in the
 * domain's history, and a certificate subject carrying {@code <script>} is shown as text with no
 * script run (the browser's console and a probe of the DOM say so). Screenshots of {@code /} and
 * of a domain's page stay in {@code target/web} as artifacts.
 */
class WebBrowserTest {
    static {
        // as every mxray process starts, before Selenium's HTTP client makes the JVM's TLS context:
        // the other tests of this JVM probe TLS 1.0 and 1.1 servers
        io.mxray.runtime.Jvm.prepare();
    }

    private static final Set<String> SWITCHED = Set.of("tls-valid", "self-signed", "dane-ee-311", "unsigned",
            "sts-enforce");
    private static final List<String> DOMAINS = List.of("tls-valid.test", "self-signed.test", "dane-ee-311.test",
            "unsigned.test", "signed.test", "two-mx.test", "wrong-name.test", "dane-mismatch.test", "null-mx.test",
            "nxdomain.test", "expired.test", "sts-enforce.test", "sts-404.test", "hostile-subject.test");
    private static final Path ARTIFACTS = Path.of("target", "web").toAbsolutePath();

    private static Infrastructure infra;
    private static Lab lab;
    private static Thread server;
    private static String url;
    private static ChromeDriver browser;
    private static String before;
    private static String after;

    @BeforeAll
    static void start() throws Exception {
        ReferenceTool.require("chromium", "chromium");
        ReferenceTool.require("chromedriver", "chromium-driver");
        Path dir = Files.createTempDirectory("web-browser");
        infra = Infrastructure.start(null, null, dir.resolve("data"), 3);
        List<Scenario> first = new ArrayList<>(Scenarios.catalogue());
        first.add(Scenarios.hostileSubject());
        try (Lab old = Lab.start(LabConfig.defaults(dir.resolve("before")).withScenarios(first))) {
            before = scan(old);
        }
        Thread.sleep(5); // distinct start times: the later scan is the newer one
        List<Scenario> second = new ArrayList<>(Scenarios.catalogueSwitching(SWITCHED));
        second.add(Scenarios.hostileSubject());
        lab = Lab.start(LabConfig.defaults(dir.resolve("after")).withScenarios(second));
        after = scan(lab);
        url = serve(dir.resolve("data"));
        Files.createDirectories(ARTIFACTS);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,2000",
                "--user-data-dir=" + dir.resolve("chromium-profile"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.interrupt();
            server.join(10_000);
        }
        if (lab != null) {
            lab.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    private static String scan(Lab lab) throws Exception {
        DnsConfig dns = DnsConfig.defaults(lab.resolver()).withSmtpPort(lab.smtpPort())
                .withTrustAnchor(lab.trustAnchorFile());
        SmtpConfig smtp = SmtpConfig.defaults().allowingNonPublic(true)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(40));
        CertificateJudge judge = new CertificateJudge(TrustStores.fromPem(lab.caFile()), Clock.systemUTC());
        try (Pipeline pipeline = new Pipeline(infra, dns, smtp, judge, Clock.systemUTC())) {
            ScanSummary s = pipeline.schedule(new StringReader(String.join("\n", DOMAINS)), "web <b>list</b>");
            long done = ScanResults.await(infra.database(), s.scanId(), DOMAINS.size(), Duration.ofMinutes(2), n -> { });
            assertEquals(DOMAINS.size(), done, "every domain final");
            return s.scanId();
        }
    }

    /**
     * {@code mxray serve} as typed, on the scans' data folder (held by the pipeline's
     * infrastructure: serve reads its running server), its checks pointed at the lab.
     */
    private static String serve(Path data) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> args = new ArrayList<>(List.of("serve", "--data-dir", data.toString(), "--listen",
                "127.0.0.1:" + port,
                "--resolver", lab.resolver().getAddress().getHostAddress() + ":" + lab.resolver().getPort(),
                "--trust-anchor", lab.trustAnchorFile().toString(), "--ca-file", lab.caFile().toString(),
                "--port", String.valueOf(lab.smtpPort()), "--policy-port", String.valueOf(lab.httpsPort()),
                "--allow-non-public", "--per-ip-interval", "PT0.1S", "--check-per-minute", "20"));
        server = new Thread(() -> Mxray.commandLine().execute(args.toArray(String[]::new)), "mxray-serve");
        server.setDaemon(true);
        server.start();
        String base = "http://127.0.0.1:" + port + "/";
        for (int i = 0; i < 300; i++) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(base + "api/scans").toURL().openConnection();
                if (c.getResponseCode() == 200) {
                    return base;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("mxray serve did not answer at " + base);
    }

    /** Each test reads the console of its own pages only. */
    @org.junit.jupiter.api.BeforeEach
    void forgetTheConsole() {
        browser.manage().logs().get(LogType.BROWSER);
    }

    private static void open(String path) {
        browser.get(url + path.substring(1));
    }

    private static List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    /** Clicks what leads to another page, and waits until the browser shows that page. */
    private static void follow(By by) {
        WebElement page = browser.findElement(By.tagName("html"));
        browser.findElement(by).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(b -> replaced(page));
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(WebDriverException.class).until(b -> "complete".equals(
                ((JavascriptExecutor) b).executeScript("return document.readyState")));
    }

    /**
     * Whether the browser has left the page this element belongs to. Chrome answers a question
     * about an element of the document it is replacing either as a stale reference or, while the
     * new document is being attached, as an inspector error saying the node "does not belong to
     * the document": both mean the page is gone.
     */
    private static boolean replaced(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException gone) {
            return true;
        } catch (WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    private static void screenshot(String name) throws Exception {
        Path png = ARTIFACTS.resolve(name);
        Files.write(png, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(png) > 10_000, "a screenshot was taken: " + png);
    }

    /** What the page's scripts could have done: nothing, as no script is allowed or present. */
    private static void assertNoScriptRan() {
        Object scripts = ((JavascriptExecutor) browser).executeScript(
                "return document.getElementsByTagName('script').length");
        assertEquals(0L, scripts, "no script element in the DOM");
        List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertTrue(console.stream().noneMatch(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()),
                "the console is quiet (an injected script would at least be refused by the policy there): " + console);
    }

    @Test
    void theHomePageRendersTheChartsAndTheTrendsOfTheTwoScans() throws Exception {
        open("/");
        for (String chart : List.of("chart-dnssec", "chart-starttls", "chart-certificates", "chart-dane",
                "chart-dane-delivery", "chart-mta-sts", "chart-trend-level", "chart-trend-dane", "chart-trend-mta-sts")) {
            WebElement svg = browser.findElement(By.id(chart));
            assertTrue(svg.getSize().getHeight() > 50, chart + " is drawn");
        }
        List<String> starttls = browser.findElement(By.id("chart-starttls")).findElements(By.cssSelector("text.label"))
                .stream().map(WebElement::getText).toList();
        assertTrue(starttls.contains("all") && starttls.contains("none"), "the STARTTLS chart's labels: " + starttls);
        assertEquals(2, browser.findElements(By.cssSelector("#scans tr")).size() - 1, "two scans listed");
        assertTrue(browser.getPageSource().contains("web &lt;b&gt;list&lt;/b&gt;"), "the list's name as text");
        assertNoScriptRan();
        screenshot("home.png");
    }

    @Test
    void aDomainsTimelineShowsWhatTheLabSwitchedBetweenTheScans() throws Exception {
        open("/domain/tls-valid.test");
        List<String> timeline = texts("#timeline tr td:first-child");
        assertEquals(List.of(after, before), timeline, "newest first");
        List<String> changes = texts("#changes tr td:nth-child(2)");
        assertTrue(changes.contains("STARTTLS: all \u2192 none"), "the switch (STARTTLS withdrawn): " + changes);
        assertNoScriptRan();
        screenshot("domain.png");
    }

    @Test
    void aCertificateSubjectCarryingMarkupIsShownAsTextAndNoScriptRuns() throws Exception {
        open("/domain/hostile-subject.test");
        List<String> subjects = texts("table.chain tr td:first-child");
        // as the certificate's subject reads in RFC 4514 form: its markup characters escaped with a backslash
        assertTrue(subjects.stream().anyMatch(s -> s.replace("\\", "").contains(LabCa.HOSTILE_CN)),
                "the subject as text: " + subjects);
        assertNoScriptRan();
        screenshot("domain-hostile-subject.png");
    }

    @Test
    void aListPagesSortsAndFiltersInTheBrowser() {
        open("/scan/" + after + "/domains?per=5");
        assertEquals(5, browser.findElements(By.cssSelector("#rows tr")).size() - 1, "five rows a page");
        assertEquals("page 1 of 3", browser.findElement(By.id("page")).getText());
        follow(By.linkText("next"));
        assertEquals("page 2 of 3", browser.findElement(By.id("page")).getText());

        open("/scan/" + after + "/domains");
        follow(By.linkText("domain \u25b2")); // sorted by domain already: now descending
        List<String> descending = texts("#rows tr td:first-child");
        List<String> sorted = new ArrayList<>(descending);
        sorted.sort(java.util.Comparator.reverseOrder());
        assertEquals(sorted, descending, "descending by domain");

        new Select(browser.findElement(By.name("level"))).selectByVisibleText("untrusted");
        follow(By.cssSelector("form.filters button"));
        List<String> untrusted = texts("#rows tr td:nth-child(6)");
        assertFalse(untrusted.isEmpty(), browser.getCurrentUrl() + "\n" + browser.findElement(By.tagName("body")).getText());
        assertTrue(untrusted.stream().allMatch("untrusted"::equals), "only untrusted: " + untrusted);
        List<String> declared = lab.groundTruth().stream()
                .filter(d -> DOMAINS.contains(d.domain()) && d.worstLevel() == io.mxray.schema.Level.UNTRUSTED)
                .map(ExpectedDomain::domain).sorted(java.util.Comparator.reverseOrder()).toList();
        assertEquals(declared, texts("#rows tr td:first-child"), "the domains the lab declares untrusted");
        assertTrue(browser.getCurrentUrl().contains("level=untrusted") && browser.getCurrentUrl().contains("dir=desc"),
                "the filter keeps the sort: " + browser.getCurrentUrl());
    }

    /**
     * The check form on a catalogue domain: the lab's declared worst level, kept as a scan of one
     * domain, so the domain's page shows it in the timeline with the check's advice.
     */
    @Test
    void theCheckFormGivesTheLabsVerdictAndKeepsItInTheDomainsHistory() {
        ExpectedDomain truth = lab.groundTruth().stream().filter(d -> d.domain().equals("dane-mismatch.test"))
                .findFirst().orElseThrow();
        open("/check");
        browser.findElement(By.name("domain")).sendKeys("dane-mismatch.test");
        follow(By.cssSelector("form button"));
        // the waiting page reloads itself: a look that lands mid-reload is asked again
        new WebDriverWait(browser, Duration.ofSeconds(60)).ignoring(WebDriverException.class)
                .until(b -> !b.findElements(By.id("status")).isEmpty());
        assertEquals("CRITICAL", browser.findElement(By.id("status")).getText(), "a DANE sender would not deliver");
        assertTrue(texts("#advice tr td:nth-child(3)").stream().anyMatch(t -> t.contains("[tlsa-mismatch]")),
                "the check's advice");
        follow(By.partialLinkText("the history of dane-mismatch.test"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#timeline tr"));
        WebElement kept = rows.get(1);
        assertTrue(kept.getText().contains("(checked from the web)"), kept.getText());
        List<String> cells = kept.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        int worst = 2 + io.mxray.store.DomainHistory.FIELDS.indexOf("worst level");
        assertEquals(truth.worstLevel().key(), cells.get(worst), "the lab's declared worst level: " + cells);
        assertTrue(texts("#advice tr td:nth-child(3)").stream().anyMatch(t -> t.contains("[tlsa-mismatch]")),
                "the advice kept with the check");
        assertEquals(3, rows.size() - 1, "two scans and the check");
    }
}
