package dev.capsule.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.capsule.testing.Ports;
import dev.capsule.testing.PostgresServer;
import dev.capsule.testing.TestStack;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * The web chat page in headless Chromium (Debian's {@code chromium} and {@code chromedriver};
 * {@code ./capsule test} installs them), against the packaged services as processes: two gateway
 * replicas behind a round-robin proxy (as a Kubernetes Service would put them), one
 * session-service, persistence-service, the demo app. The page signs in as the local stack's dev
 * user does, through {@code /auth/dev-token}, or with a token in the URL fragment as an identity
 * provider would hand it over. Screenshots go to {@code target/web-chat/}.
 */
class WebChatIT {

    static final Path SCREENSHOTS = ServiceProcess.ROOT.resolve("system-tests/target/web-chat");
    static final String STREAM = "Streaming is how a model's answer reaches you as it is written, one token at a time,"
            + " until the whole answer is there.";

    static final List<ServiceProcess> services = new ArrayList<>();
    static final Map<String, String> env = new HashMap<>();
    static final Map<Integer, ServiceProcess> gateways = new HashMap<>();
    static StackIdentity identity;
    static RoundRobinProxy proxy;
    static WireMockServer fakeProviders;
    static String devUser;
    static String base;
    static ChromeDriver browser;

    private String testName;

    @BeforeAll
    static void startServicesAndBrowser() throws Exception {
        identity = new StackIdentity();
        env.putAll(identity.env());
        Path devToken = Files.createTempFile("capsule-web-dev-token", "");
        devUser = "web-dev-" + UUID.randomUUID();
        Files.writeString(devToken, token(devUser));
        env.put("CAPSULE_DEV_TOKEN_FILE", devToken.toString());
        // Small enough that a long /remember fails its turn (the demo app has no other way to fail), large enough for /summary.
        env.put("CAPSULE_DB_MAX_DOCUMENT_BYTES", "6000");

        // The demo's /github against the fake GitHub that ./capsule fake-providers serves, from the same mappings.
        fakeProviders = new WireMockServer(WireMockConfiguration.options().dynamicPort()
                .usingFilesUnderDirectory(ServiceProcess.ROOT.resolve("docs/channels/fakes").toString()));
        fakeProviders.start();
        int proxyPort = Ports.free();
        env.put("QUARKUS_CONFIG_LOCATIONS", integrations("http://127.0.0.1:" + proxyPort, "http://localhost:" + fakeProviders.port()).toString());

        services.add(ServiceProcess.start("persistence-service", "web-persistence", Ports.free(), env));
        services.add(ServiceProcess.start("session-service", "web-session", Ports.free(), env));
        for (String name : List.of("web-gateway-a", "web-gateway-b")) {
            ServiceProcess gateway = ServiceProcess.start("gateway-service", name, Ports.free(), env);
            services.add(gateway);
            gateways.put(gateway.port, gateway);
        }
        proxy = new RoundRobinProxy(List.copyOf(gateways.keySet()), proxyPort);
        base = "http://127.0.0.1:" + proxy.port() + "/";
        browser = chromium();
        services.forEach(s -> s.awaitReady(Duration.ofSeconds(120)));
        Files.createDirectories(SCREENSHOTS);
    }

    /** Debian's chromium through its chromedriver, named outright so that Selenium looks for (and downloads) nothing. */
    static ChromeDriver chromium() {
        File driver = new File(System.getenv().getOrDefault("CAPSULE_CHROMEDRIVER", "/usr/bin/chromedriver"));
        File binary = new File(System.getenv().getOrDefault("CAPSULE_CHROMIUM", "/usr/bin/chromium"));
        if (!driver.canExecute() || !binary.canExecute()) {
            throw new IllegalStateException("the web chat tests need " + binary + " and " + driver
                    + ": apt-get install chromium chromium-driver (./capsule test installs them)");
        }
        System.setProperty("webdriver.chrome.driver", driver.getPath());
        ChromeOptions options = new ChromeOptions().setBinary(binary)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,900", "--disable-extensions", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver)
                .withLogFile(ServiceProcess.ROOT.resolve("system-tests/target/chromedriver.log").toFile()).build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        // Not Selenium's 5 minutes: a renderer that hangs (it happened once, at the very first page) would cost that per test.
        chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return chrome;
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (proxy != null) {
            proxy.close();
        }
        services.forEach(ServiceProcess::close);
        if (fakeProviders != null) {
            fakeProviders.stop();
        }
    }

    /** The demo's GitHub integration, as scripts/integrations.sh writes it for ./capsule up. */
    static Path integrations(String publicUrl, String fake) throws IOException {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Path file = Files.createTempFile("capsule-web-integrations", ".properties");
        Files.writeString(file, String.join("\n",
                "capsule.oauth.public-url=" + publicUrl,
                "capsule.oauth.token-key=" + java.util.Base64.getEncoder().encodeToString(key),
                "capsule.integrations.github.client-id=capsule-demo",
                "capsule.integrations.github.client-secret=web-chat-test-secret",
                "capsule.integrations.github.authorize-url=" + fake + "/github/login/oauth/authorize",
                "capsule.integrations.github.token-url=" + fake + "/github/login/oauth/access_token",
                "demo.github.api-url=" + fake + "/github/api", ""));
        return file;
    }

    @BeforeEach
    void freshPage(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        try {
            browser.manage().window().setSize(new Dimension(1280, 900));
            browser.get(base + "favicon-none");
        } catch (org.openqa.selenium.TimeoutException e) {
            // The browser, not the page: a blank page that does not load within a minute means a hung renderer. Once, a fresh one.
            browser.quit();
            browser = chromium();
            browser.manage().window().setSize(new Dimension(1280, 900));
            browser.get(base + "favicon-none");
        }
        browser.executeScript("localStorage.clear(); sessionStorage.clear();");
    }

    static String token(String user) {
        return identity.token(user, Duration.ofHours(1));
    }

    @Test
    void aMessageTypedAndSentWithEnterGetsItsNumberedReply() {
        openChat();
        say("hello");
        awaitAppMessages(List.of("#1: hello"));
        assertEquals(List.of("hello"), texts("#transcript .message.user .body"));
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("status")).getText().isEmpty());
        assertEquals("sent", browser.findElement(By.cssSelector("#transcript .message.user")).getAttribute("data-state"));
        screenshot("reply");
    }

    @Test
    void aStreamedAnswerGrowsAsItArrivesAndEndsWholeAndOnce() {
        openChat();
        browser.executeScript("""
                window.__growth = [];
                new MutationObserver(() => {
                  const s = document.querySelector('[data-stream] .body');
                  if (s) window.__growth.push(s.textContent.length);
                }).observe(document.getElementById('transcript'), {subtree: true, childList: true, characterData: true});""");
        say("/stream");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> !all("[data-stream][data-streaming='true']").isEmpty());
        screenshot("stream-growing");
        awaitStreamEnded();

        @SuppressWarnings("unchecked")
        List<Long> growth = (List<Long>) browser.executeScript("return window.__growth;");
        // 23 words 15 ms apart, coalesced into a chunk per 50 ms: some 8 steps, each showing as it arrives.
        assertTrue(growth.stream().distinct().count() >= 4, "the text grew in several steps: " + growth);
        assertEquals(List.of(STREAM), texts("[data-stream] .body"));
        assertStreamIntact();
        screenshot("stream-ended");
    }

    @Test
    void aTaskCardShowsItsFieldsAndItsButtonSendsAnActionFromTheKeyboardShownAsItsLabel() {
        openChat();
        say("/card");
        WebElement card = await().atMost(Duration.ofSeconds(30)).until(() -> first(".card.task_card"), c -> c != null);
        assertTrue(card.getText().contains("Ship the demo"), card.getText());
        assertEquals(List.of("Turn", "Owner"), texts(".card dt"));
        screenshot("card");

        WebElement done = card.findElement(By.xpath(".//button[normalize-space()='Mark done']"));
        done.sendKeys(Keys.ENTER); // a focused button, pressed from the keyboard

        // The demo app answers the press as an action ("Marked done."), not as the typed word "done" ("#2: done").
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body").getLast(), "Marked done."::equals);
        assertEquals(List.of("/card", "Mark done"), texts("#transcript .message.user .body"));
        assertEquals("true", done.getAttribute("aria-pressed"));
        screenshot("card-answered");

        browser.navigate().refresh();
        awaitOpen();
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.user .body"), List.of("/card", "Mark done")::equals);
    }

    @Test
    void connectingGitHubFromItsButtonGoesThroughTheProvidersConsentAndBackToTheChatWhichGoesOn() throws IOException {
        openChat();
        say("/github");
        WebElement connect = await().atMost(Duration.ofSeconds(30)).until(() -> first("a[data-integration='github']"), c -> c != null);
        assertEquals("Connect GitHub", connect.getText());
        screenshot("connect-button");
        connect.click();

        // The fake GitHub's consent page, then back through the gateway's callback into the same conversation.
        WebElement authorize = await().atMost(Duration.ofSeconds(30)).until(() -> first("#authorize"), a -> a != null);
        assertTrue(browser.getCurrentUrl().startsWith("http://localhost:" + fakeProviders.port() + "/github/login/oauth/authorize"),
                browser.getCurrentUrl());
        authorize.click();
        awaitOpen();
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body").contains("connected as octocat"));
        assertTrue(browser.getCurrentUrl().startsWith(base), browser.getCurrentUrl());
        screenshot("connected");

        say("/github");
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body").stream()
                .filter("connected as octocat"::equals).count() == 2);
        assertEquals(1, all("a[data-integration='github']").size(), "no second prompt once connected");

        // The tokens the fake GitHub granted are on no topic and in no service's log.
        List<String> tokens = fakeProviders.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().startsWith("/github/login/oauth/access_token"))
                .flatMap(e -> java.util.stream.Stream.of("access_token", "refresh_token")
                        .map(field -> jsonField(e.getResponse().getBodyAsString(), field)))
                .toList();
        assertTrue(!tokens.isEmpty() && tokens.stream().allMatch(t -> t != null && t.length() > 10), "granted: " + tokens.size());
        List<String> records = everyRecordOnTheTopics();
        assertTrue(records.size() > 10, "read " + records.size() + " records");
        for (String token : tokens) {
            assertTrue(records.stream().noneMatch(r -> r.contains(token)), "a token is on a topic");
            for (ServiceProcess service : services) {
                assertTrue(!Files.readString(service.log).contains(token), "a token is in " + service.log);
            }
        }
    }

    private static String jsonField(String json, String field) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path(field).asText(null);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** Every record on Capsule's topics, as text. */
    private static List<String> everyRecordOnTheTopics() {
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                Map.of("bootstrap.servers", TestStack.kafka().bootstrapServers()),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> partitions = dev.capsule.events.Topics.ALL.stream()
                    .flatMap(topic -> consumer.partitionsFor(topic).stream()
                            .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<String> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)));
            }
            return records;
        }
    }

    @Test
    void aLinkCodeTypedInTheChatLinksTheChannelIdentityToTheSignedInUserOnce() throws Exception {
        String telegramUser = "telegram:demo-telegram:" + UUID.randomUUID();
        // What session-service stores when that Telegram user types /link (LinkingTest covers that side).
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestStack.postgres().jdbcUrl(), PostgresServer.USER,
                PostgresServer.PASSWORD)) {
            db.createStatement().executeUpdate("INSERT INTO identity_link_codes (code, channel_user_id, session_id, expires_at) "
                    + "VALUES ('WEBL2345', '" + telegramUser + "', 'telegram:demo-telegram:c1', now() + interval '10 minutes')");
        }
        openChat();
        say("/link webl-2345");
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.note").contains(
                "Linked " + telegramUser + ": its conversations are yours now."));
        say("/link WEBL-2345");
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.note").stream()
                .anyMatch(n -> n.startsWith("Not linked: that link code is unknown, used or expired")));
        assertEquals(List.of(), texts("#transcript .message.user .body"), "the codes were confirmed, not sent to the app");
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(TestStack.postgres().jdbcUrl(), PostgresServer.USER,
                PostgresServer.PASSWORD);
             java.sql.ResultSet row = db.createStatement().executeQuery(
                     "SELECT user_id FROM identity_links WHERE channel_user_id = '" + telegramUser + "'")) {
            assertTrue(row.next());
            assertEquals(devUser, row.getString(1));
        }
        screenshot("linked");
    }

    @Test
    void aFailedTurnShowsAnErrorBubbleAndTheChatGoesOn() {
        openChat();
        say("/remember " + "too long ".repeat(1000));
        WebElement error = await().atMost(Duration.ofSeconds(30)).until(() -> first("#transcript .message.error"), e -> e != null);
        assertEquals("Sorry, something went wrong while answering. Please try again.", error.getText());
        assertEquals("alert", error.getAttribute("role"));
        screenshot("error");

        say("still there?");
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body"), List.of("#1: still there?")::equals);
    }

    @Test
    void aNotifyShowsAsAPassingStatusLineNotAsAMessage() {
        openChat();
        browser.executeScript("""
                window.__statuses = [];
                new MutationObserver(() => window.__statuses.push(document.getElementById('status').textContent))
                  .observe(document.getElementById('status'), {subtree: true, childList: true, characterData: true});""");
        say("/notify");
        awaitAppMessages(List.of("#1: done looking"));
        @SuppressWarnings("unchecked")
        List<String> statuses = (List<String>) browser.executeScript("return window.__statuses;");
        assertTrue(statuses.contains("Looking that up…"), "the notify was shown: " + statuses);
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("status")).getText().isEmpty());
        assertTrue(texts("#transcript .message.app .body").stream().noneMatch(t -> t.contains("Looking that up")));
    }

    @Test
    void theChatIsUsableFromTheKeyboardAloneWithEveryControlNamed() {
        openChat();
        assertEquals("message", active().getAttribute("id"), "the page opens with the message box focused");
        active().sendKeys("/card", Keys.ENTER);
        await().atMost(Duration.ofSeconds(30)).until(() -> first(".card.task_card button") != null);

        // Back from the message box: the card's last button, then its first.
        active().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        assertEquals("Snooze", active().getText());
        active().sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        assertEquals("Mark done", active().getText());
        active().sendKeys(Keys.SPACE);
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body").getLast(), "Marked done."::equals);
        assertEquals("message", active().getAttribute("id"), "focus goes back to the message box");

        // On back to the top: the conversation (scrollable by keys), New chat, End chat, the skip link, which leads back.
        List<String> path = new ArrayList<>();
        for (int i = 0; i < 10 && !"skip-link".equals(active().getAttribute("class")); i++) {
            new Actions(browser).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
            path.add(active().getAttribute("aria-label") != null ? active().getAttribute("aria-label") : active().getText());
        }
        assertEquals(List.of("Conversation", "New chat", "End chat", "Skip to the message box"), path);
        active().sendKeys(Keys.ENTER);
        assertEquals("message", active().getAttribute("id"));

        @SuppressWarnings("unchecked")
        List<String> unnamed = (List<String>) browser.executeScript("""
                return [...document.querySelectorAll('button, textarea, input, a[href], [role=log]')]
                  .filter(e => !(e.getAttribute('aria-label') || e.textContent.trim() || (e.labels && e.labels.length)))
                  .map(e => e.outerHTML.slice(0, 80));""");
        assertEquals(List.of(), unnamed, "every control has a name a screen reader can say");
        screenshot("keyboard");
    }

    @Test
    void stopOrEscapeStopsAStreamingAnswerWhereItIsAndCancelsItsTurn() {
        String note = openAsUserWithALongNote();
        say("/summary");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> browser.findElement(By.id("stop")).isDisplayed());
        browser.findElement(By.id("message")).sendKeys(Keys.ESCAPE);
        String stoppedAt = texts("[data-stream] .body").getLast();
        screenshot("stopped");

        await().atMost(Duration.ofSeconds(30)).until(() -> !all("[data-stream][data-stopped='true']").isEmpty());
        assertTrue(!browser.findElement(By.id("stop")).isDisplayed(), "no stop button once stopped");
        say("after");
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body").getLast(), "#3: after"::equals);
        assertEquals(stoppedAt, texts("[data-stream] .body").getLast(), "the answer stays where it was stopped");
        assertTrue(stoppedAt.length() < 400, "stopped early: " + stoppedAt);
        assertTrue(texts("[data-stream]").getLast().endsWith("Stopped"));
        assertEquals(Boolean.TRUE, browser.executeScript(
                "return document.documentElement.scrollHeight <= document.documentElement.clientHeight;"),
                "only the conversation scrolls, never the page");

        // The handler was told, not only the page: the history keeps the answer as far as it went.
        String whole = "Summary of 1 notes: " + note;
        browser.navigate().refresh();
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body").contains("#3: after"));
        String kept = texts("#transcript .message.app .body").stream().filter(t -> t.startsWith("Summary of"))
                .findFirst().orElseThrow(() -> new AssertionError("the stopped answer is not in the history"));
        assertTrue(kept.length() < whole.length(), "the turn was cancelled, so the history holds part of the answer: " + kept);
    }

    @Test
    void markdownRendersButHtmlInAMessageOrAReplyStaysText() {
        openChat();
        WebElement input = browser.findElement(By.id("message"));
        input.sendKeys("<img src=x onerror=\"window.__pwned=1\"> **bold** and `code`", Keys.chord(Keys.SHIFT, Keys.ENTER),
                "- one", Keys.chord(Keys.SHIFT, Keys.ENTER), "- two", Keys.chord(Keys.SHIFT, Keys.ENTER),
                "[docs](https://example.com/docs) [trap](javascript:alert(1))", Keys.ENTER);
        await().atMost(Duration.ofSeconds(30)).until(() -> !all("#transcript .message.app strong").isEmpty());

        assertTrue(all("#transcript img").isEmpty(), "no element comes from a message's HTML");
        assertNull(browser.executeScript("return window.__pwned;"));
        assertEquals(List.of("bold"), texts("#transcript .message.app strong"));
        assertEquals(List.of("code"), texts("#transcript .message.app code"));
        assertEquals(List.of("one", "two"), texts("#transcript .message.app ul li"));
        assertEquals(List.of("https://example.com/docs"), all("#transcript .message.app a").stream().map(a -> a.getAttribute("href")).toList());
        String reply = texts("#transcript .message.app .body").getFirst();
        assertTrue(reply.startsWith("#1: <img src=x onerror="), reply);
        assertTrue(reply.endsWith("docs [trap](javascript:alert(1))"), "a javascript: link stays text: " + reply);
        assertTrue(texts("#transcript .message.user .body").getFirst().startsWith("<img src=x"), "the user's own text, as typed");
        screenshot("markdown");
    }

    @Test
    void aReloadShowsTheConversationOnceAndItGoesOn() {
        openChat();
        say("one");
        awaitAppMessages(List.of("#1: one"));
        say("/stream");
        awaitStreamEnded();
        say("two");
        awaitAppMessages(List.of("#1: one", STREAM, "#3: two"));
        String session = (String) browser.executeScript("return localStorage.getItem('capsule.session');");

        browser.navigate().refresh();
        awaitOpen();

        awaitAppMessages(List.of("#1: one", STREAM, "#3: two"));
        assertEquals(List.of("one", "/stream", "two"), texts("#transcript .message.user .body"));
        assertEquals(session, browser.executeScript("return localStorage.getItem('capsule.session');"));
        say("three");
        awaitAppMessages(List.of("#1: one", STREAM, "#3: two", "#4: three"));
        screenshot("after-reload");
    }

    @Test
    void theEndChatButtonClosesTheSessionAndWritingAgainStartsANewLifeOfIt() {
        openChat();
        say("first");
        awaitAppMessages(List.of("#1: first"));
        String session = (String) browser.executeScript("return localStorage.getItem('capsule.session');");

        browser.findElement(By.id("end-chat")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.note"),
                List.of("Chat ended. Write again to start it anew.")::equals);
        say("again");

        awaitAppMessages(List.of("#1: first", "#1: again"));
        assertEquals(session, browser.executeScript("return localStorage.getItem('capsule.session');"), "the same session, a new life");
    }

    @Test
    void theNewChatButtonStartsAnEmptySessionAtPhoneWidth() {
        browser.manage().window().setSize(new Dimension(390, 844));
        openChat();
        say("first");
        awaitAppMessages(List.of("#1: first"));
        String before = (String) browser.executeScript("return localStorage.getItem('capsule.session');");

        browser.findElement(By.id("new-chat")).click();
        await().atMost(Duration.ofSeconds(30)).until(() -> all("#transcript .message").isEmpty());
        say("again");

        awaitAppMessages(List.of("#1: again"));
        assertNotEquals(before, browser.executeScript("return localStorage.getItem('capsule.session');"));
        assertEquals(Boolean.TRUE, browser.executeScript(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"), "no sideways scrolling");
        screenshot("phone");
    }

    /**
     * Invariant 7 in the browser: the replica that holds the page's socket is killed while a
     * stream runs; the page reconnects by itself, through the proxy, to the other replica, resumes
     * and shows the whole answer once. Then the same again, the page now landing on the replica
     * that was just restarted and never saw the stream's beginning.
     */
    @Test
    void aGatewayKilledMidStreamLosesNothingAndShowsNothingTwice() throws Exception {
        String note = openAsUserWithALongNote();

        for (int round = 1; round <= 2; round++) {
            say("/summary");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> !all("[data-stream][data-streaming='true']").isEmpty());
            int holder = proxy.lastChatBackend();
            ServiceProcess killed = gateways.get(holder);
            killed.kill();
            String atKill = texts("[data-stream] .body").getLast();
            screenshot("killed-mid-stream-" + round);

            awaitStreamEnded();
            awaitOpen();
            String expected = round == 1 ? "Summary of 1 notes: " + note
                    : "Summary of 2 notes: Summary of 1 notes: " + note + "; " + note; // newest note first
            assertTrue(atKill.length() < expected.length(), "the kill landed mid-stream: " + atKill.length() + " chars");
            assertEquals(round, all("[data-stream]").size(), "one answer per /summary");
            assertEquals(expected, texts("[data-stream] .body").getLast());
            assertStreamIntact();
            assertNotEquals(holder, proxy.lastChatBackend(), "the page went on through the other replica");
            screenshot("resumed-" + round);

            // The killed replica comes back on its port, knowing nothing of what passed.
            ServiceProcess again = ServiceProcess.start("gateway-service", killed.name + "-again", holder, env);
            services.remove(killed);
            services.add(again);
            gateways.put(holder, again);
            again.awaitReady(Duration.ofSeconds(120));
        }
    }

    // --- The page, as a user sees it. ------------------------------------------------------

    /**
     * Opens the chat as a new user, with a token in the URL fragment as an identity provider hands
     * it over, who keeps a note long enough that {@code /summary} streams for about two seconds.
     */
    private String openAsUserWithALongNote() {
        String note = IntStream.rangeClosed(1, 120).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        browser.get(base + "#access_token=" + token("web-" + UUID.randomUUID()));
        awaitOpen();
        say("/remember " + note);
        awaitAppMessages(List.of("Noted: " + note + " (1 notes)"));
        return note;
    }

    private WebElement active() {
        return browser.switchTo().activeElement();
    }

    private void openChat() {
        browser.get(base);
        awaitOpen();
    }

    private void awaitOpen() {
        await().atMost(Duration.ofSeconds(60)).until(() -> "open".equals(
                browser.executeScript("return document.body.dataset.ready === 'true' && document.body.dataset.connection;")));
    }

    private void say(String text) {
        WebElement input = browser.findElement(By.id("message"));
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }

    private void awaitAppMessages(List<String> expected) {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> texts("#transcript .message.app .body"), expected::equals);
        } catch (RuntimeException e) {
            screenshot("failed");
            throw new AssertionError("expected " + expected + " but the page shows " + texts("#transcript .message.app .body"), e);
        }
    }

    private void awaitStreamEnded() {
        await().atMost(Duration.ofSeconds(60)).until(
                () -> !all("[data-stream]").isEmpty() && all("[data-stream][data-streaming='true']").isEmpty());
    }

    /** Every chunk was shown once, in order: what they added up to is the whole text the stream ended with. */
    private void assertStreamIntact() {
        assertTrue(all("[data-stream][data-repaired]").isEmpty(), "the chunks shown add up to the whole text");
        assertTrue(all("[data-stream][data-gap]").isEmpty(), "no chunk missing or out of order");
    }

    private List<WebElement> all(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    private WebElement first(String css) {
        return all(css).stream().findFirst().orElse(null);
    }

    private List<String> texts(String css) {
        return retrying(() -> all(css).stream().map(e -> e.getText().strip()).toList());
    }

    /** The page changes under the test's feet: an element read while it is replaced is read again. */
    private static <T> T retrying(Callable<T> read) {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.call();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void screenshot(String what) {
        try {
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(testName + "-" + what + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("screenshot " + what + " not saved: " + e.getMessage());
        }
    }
}
