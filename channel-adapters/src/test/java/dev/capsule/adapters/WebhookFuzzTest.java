package dev.capsule.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.testing.Fuzz;
import dev.capsule.testing.KafkaResource;
import dev.capsule.testing.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the webhooks (issue 16): generated bodies, each signed as its provider signs (so that they get past the
 * signature check to the parsing behind it), on the Telegram, Slack and WhatsApp channels, from one seed that the
 * output prints. Mostly a documented update changed in one place, else any JSON or bytes. No answer may be 500 or
 * above (a provider retries those for days), and afterwards a genuine update is still taken. The suite sends 3,000;
 * {@code ./capsule fuzz} sends 15,000 ({@code -Dcapsule.fuzz.webhook-inputs}).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = RedisResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = FakeProviders.class, restrictToAnnotatedClass = false)
class WebhookFuzzTest {

    static final int INPUTS = Integer.getInteger("capsule.fuzz.webhook-inputs", 3_000);

    @TestHTTPResource("/")
    URI base;

    /** One generated webhook: its channel's provider, and its body; its toString is what a failure reports. */
    record Webhook(String provider, String body) {
        @Override
        public String toString() {
            return provider + ": " + body.replaceAll("\\p{Cntrl}", "?");
        }
    }

    @Test
    void generatedSignedWebhooksAreNeverAnsweredWith500OrAbove() throws Exception {
        Fuzz fuzz = Fuzz.of("webhooks");
        List<Webhook> webhooks = fuzz.draw(webhooks(), INPUTS);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            fuzz.sendAll(webhooks, 8, webhook -> {
                try {
                    fuzz.answered(client.send(signed(webhook), HttpResponse.BodyHandlers.discarding()).statusCode(), webhook);
                } catch (java.io.IOException e) {
                    fuzz.failed("no answer (" + e + ") to " + webhook);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertEquals(List.of(), fuzz.report(), "answers of 500 or above (seed and inputs above)");

            String chat = Providers.newChatId();
            assertEquals(200, client.send(signed(new Webhook(FakeProviders.TELEGRAM, TelegramTest.message(1, chat, "still there?"))),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "a genuine update after the fuzzing");
        }
    }

    private HttpRequest signed(Webhook webhook) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/channels/" + webhook.provider() + "/webhook"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(webhook.body(), StandardCharsets.UTF_8));
        if (webhook.provider().equals(FakeProviders.TELEGRAM)) {
            request.header("X-Telegram-Bot-Api-Secret-Token", FakeProviders.TELEGRAM_SECRET);
        } else if (webhook.provider().equals(FakeProviders.SLACK)) {
            long now = System.currentTimeMillis() / 1000;
            request.header("X-Slack-Request-Timestamp", Long.toString(now))
                    .header("X-Slack-Signature", Signing.slack(FakeProviders.SLACK_SIGNING_SECRET, now, webhook.body()));
        } else {
            request.header("X-Hub-Signature-256", Signing.meta(FakeProviders.WHATSAPP_APP_SECRET, webhook.body()));
        }
        return request.build();
    }

    private static Arbitrary<Webhook> webhooks() {
        String chat = "7008001";
        Arbitrary<Webhook> telegram = Fuzz.bodies(List.of(TelegramTest.message(1, chat, "hello"),
                        TelegramTest.groupMessage(2, "-100123", chat, "hi all"), TelegramTest.callback(3, chat, "cb-1", "done")))
                .map(body -> new Webhook(FakeProviders.TELEGRAM, text(body)));
        Arbitrary<Webhook> slack = Fuzz.bodies(List.of(SlackTest.directMessage("Ev1", "D123", "hello"),
                        SlackTest.mention("Ev2", "C123", "1764000000.000100", "<@U0LAN0Z89> hi")))
                .map(body -> new Webhook(FakeProviders.SLACK, text(body)));
        Arbitrary<Webhook> whatsapp = Fuzz.bodies(List.of(WhatsAppTest.text("16315551181", "wamid.ID1", "hello")))
                .map(body -> new Webhook(FakeProviders.WHATSAPP, text(body)));
        return Arbitraries.frequencyOf(Tuple.of(1, telegram), Tuple.of(1, slack), Tuple.of(1, whatsapp));
    }

    /** The body as text: the signatures are made over text, as the providers send it. */
    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
