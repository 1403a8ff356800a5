package io.handoff.gateway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person's whole sandbox conversation in headless Chromium: the client pane starts a handoff to
 * {@code support}, the operator console lists the chat, the operator joins and replies, the client writes, the
 * operator sends a file link and closes; each side sees what the other did. Debian's {@code chromium} and
 * {@code chromium-driver} drive it (.ci/run installs them; Selenium downloads nothing); without them the test
 * is skipped with a message. A second conversation plays a Dialogflow end user: greeting, handoff by the agent,
 * the operator's close, the bot's welcome back.
 */
class SandboxBrowserTest extends SandboxTestContext {

    static final Path CHROMIUM = Path.of(System.getProperty("sandbox.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("sandbox.chromedriver", "/usr/bin/chromedriver"));
    static final Duration PATIENCE = Duration.ofSeconds(15);

    static WebDriver browser;
    static Path profile;

    /** Why the test cannot run here, or null when Chromium and its driver are installed. */
    static String missing;

    @BeforeAll
    static void startChromium() throws IOException {
        if (!Files.isExecutable(CHROMIUM)) {
            missing = "Chromium is not installed at " + CHROMIUM + " (apt-get install chromium)";
        } else if (!Files.isExecutable(CHROMEDRIVER)) {
            missing = "chromedriver is not installed at " + CHROMEDRIVER + " (apt-get install chromium-driver)";
        }
        if (missing != null) {
            System.err.println("SandboxBrowserTest is skipped: " + missing);
            return;
        }
        profile = Files.createTempDirectory("sandbox-chromium");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1400,1000");
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stopChromium() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @BeforeEach
    void requireChromium() {
        // checked per test, not per class: surefire reports a skipped test with its reason, a skipped class with none
        assumeTrue(missing == null, () -> "the sandbox browser test is skipped: " + missing);
    }

    /** What the page looked like at the end, for whoever reads a failure. */
    @AfterEach
    void screenshot() throws IOException {
        if (browser == null) {
            return;
        }
        Path target = Path.of("target", "sandbox-browser.png");
        Files.createDirectories(target.getParent());
        Files.write(target, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aWholeConversationThroughTheClientPaneAndTheOperatorConsole() {
        browser.get(anonymous().baseUrl() + "/sandbox/console");
        until(() -> !value("client-api-key").isEmpty()); // the settings are loaded
        assertThat(value("client-api-key")).isEqualTo(API_KEY);
        String conversationId = value("client-conversation");
        assertThat(conversationId).startsWith("sandbox:user-");
        // before a handoff the bot answers its client itself: nothing to send to an operator, nothing to end
        until(() -> !element("client-state").getText().equals("–"));
        assertThat(element("client-send").isEnabled()).isFalse();
        assertThat(element("client-send-file").isEnabled()).isFalse();
        assertThat(element("client-close").isEnabled()).isFalse();

        // the client pane, as the bot, hands the conversation to support
        new Select(element("client-destination")).selectByValue("support");
        type("client-name", "Ann");
        type("client-first-message", "I was charged twice");
        element("client-start").click();
        until(() -> element("client-state").getText().equals("WAITING"));
        assertThat(element("client-send").isEnabled()).isTrue();
        assertThat(element("client-close").isEnabled()).isTrue();
        assertThat(element("client-start").isEnabled()).isFalse();

        // the console lists the chat with the conversation's id, and shows the client's words
        By chat = By.cssSelector("#chats li.chat[data-conversation-id='" + conversationId + "']");
        until(() -> !browser.findElements(chat).isEmpty());
        assertThat(browser.findElement(chat).getAttribute("data-state")).isEqualTo("waiting");
        browser.findElement(chat).click();
        until(() -> element("chat-title").getText().contains(conversationId));
        until(() -> texts("#chat-messages li[data-from=customer]").stream().anyMatch(t -> t.contains("I was charged twice")));

        // the operator joins and replies: the client pane sees operatorJoined and operatorMessage
        element("operator-join").click();
        until(() -> clientEvent("operatorJoined").contains("Anna joined"));
        type("operator-text", "Let me check");
        element("operator-send").click();
        until(() -> clientEvent("operatorMessage").contains("Anna: Let me check"));
        until(() -> element("client-state").getText().equals("OPERATOR"));

        // the client writes: the console shows it
        type("client-text", "It was order 98765");
        element("client-send").click();
        until(() -> texts("#chat-messages li[data-from=customer]").stream().anyMatch(t -> t.contains("It was order 98765")));

        // the operator sends a file link (the sample file is prefilled): the client pane sees operatorFile
        element("operator-send-file").click();
        until(() -> clientEvent("operatorFile").contains("price-list.txt"));
        WebElement link = browser.findElement(By.cssSelector("#client-events li.event[data-type=operatorFile] a"));
        assertThat(link.getAttribute("href")).endsWith("/sandbox/livechat/cdn/sample/price-list.txt");

        // the operator closes: the client pane sees livechatFinished, the bot has the conversation back
        element("operator-close").click();
        until(() -> clientEvent("livechatFinished").contains("operatorClosed"));
        until(() -> element("client-state").getText().equals("BOT"));
        assertThat(element("client-send").isEnabled()).isFalse();
        assertThat(element("client-close").isEnabled()).isFalse();
        assertThat(element("client-start").isEnabled()).isTrue();
        until(() -> "closed".equals(browser.findElement(chat).getAttribute("data-state")));

        // what each side saw, in order
        assertThat(browser.findElements(By.cssSelector("#client-events li.event")).stream()
                .map(event -> event.getAttribute("data-type")).toList())
                .containsExactly("operatorJoined", "operatorMessage", "operatorFile", "livechatFinished");
        assertThat(texts("#chat-messages li[data-from=operator]"))
                .anySatisfy(text -> assertThat(text).contains("Let me check"))
                .anySatisfy(text -> assertThat(text).contains("price-list.txt"));
        assertThat(texts("#chat-messages li[data-from=system]"))
                .anySatisfy(text -> assertThat(text).contains("Anna joined the chat"))
                .anySatisfy(text -> assertThat(text).contains("Anna archived the chat"));
        assertThat(eventTypes(conversationId))
                .containsExactly("operatorJoined", "operatorMessage", "operatorFile", "livechatFinished");
    }

    @Test
    void aDialogflowEndUserTalksToTheBotAnOperatorAndTheBotAgain() {
        browser.get(anonymous().baseUrl() + "/sandbox/console");
        until(() -> !value("client-api-key").isEmpty());
        new Select(element("client-mode")).selectByValue("dialogflow");
        until(() -> element("client-agent").isDisplayed());
        assertThat(element("client-start").isDisplayed()).isFalse();
        String conversationId = value("client-conversation");

        // "hi": the agent answers at once
        type("client-text", "hi");
        element("client-send").click();
        until(() -> texts("#client-events li.bot-reply").stream().anyMatch(t -> t.contains("Hello!")));

        // "operator": the agent hands off by itself, the chat appears in the operator pane with what the user said
        type("client-text", "operator");
        element("client-send").click();
        until(() -> element("client-state").getText().equals("WAITING"));
        By chat = By.cssSelector("#chats li.chat[data-conversation-id='" + conversationId + "']");
        until(() -> !browser.findElements(chat).isEmpty());
        browser.findElement(chat).click();
        until(() -> texts("#chat-messages li[data-from=customer]").stream().anyMatch(t -> t.contains("operator")));
        assertThat(texts("#chat-messages li[data-from=customer]")).anySatisfy(t -> assertThat(t).contains("hi"));

        // the operator answers, then closes: the bot welcomes the user back without the user typing anything
        element("operator-join").click();
        type("operator-text", "Hi, Anna here");
        element("operator-send").click();
        until(() -> clientEvent("operatorMessage").contains("Anna: Hi, Anna here"));
        int sent = browser.findElements(By.cssSelector("#client-events li.sent")).size();
        element("operator-close").click();
        until(() -> clientEvent("botMessage").contains("Welcome back!"));
        until(() -> element("client-state").getText().equals("BOT"));
        assertThat(browser.findElements(By.cssSelector("#client-events li.sent"))).hasSize(sent);
        assertThat(eventTypes(conversationId)).containsSubsequence("operatorJoined", "operatorMessage", "livechatFinished",
                "botMessage");
    }

    // ---------------------------------------------------------------- helpers

    static WebElement element(String id) {
        return browser.findElement(By.id(id));
    }

    static String value(String id) {
        String value = element(id).getDomProperty("value");
        return value == null ? "" : value;
    }

    static void type(String id, String text) {
        WebElement input = element(id);
        input.clear();
        input.sendKeys(text);
    }

    static List<String> texts(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    /** The text of the client pane's last event of this type, or "" while there is none. */
    static String clientEvent(String type) {
        List<String> events = texts("#client-events li.event[data-type=" + type + "]");
        return events.isEmpty() ? "" : events.get(events.size() - 1);
    }

    /** Waits for a condition on the page; the panes re-render every second, so stale elements are retried. */
    static void until(BooleanSupplier condition) {
        new WebDriverWait(browser, PATIENCE).ignoring(StaleElementReferenceException.class)
                .until(driver -> condition.getAsBoolean());
    }
}
