package dev.capsule.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Conversations on the demo Telegram channel, as Telegram holds them: each message is an update posted
 * to channel-adapters' webhook, and posted again, twice, as Telegram retries a webhook it is unsure of;
 * one that is refused (a 503 while Kafka is down) is posted until it is taken. The answers reach the
 * fake Telegram API ({@code ./capsule fake-providers}), whose request journal the audit reads: each
 * message answered once ({@code #N: text} in a {@code sendMessage} to its chat), in order.
 */
final class TelegramChats {

    /** Times each update is posted: Telegram's retries of a webhook that answered late. */
    static final int POSTS_PER_UPDATE = 3;

    private final HttpClient client;
    private final String webhook;
    private final String secret;
    private final String fakeProviders;
    private final long firstChat;
    private final int chats;
    private final AtomicLong updateIds;
    private final Map<Long, Integer> sent = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean sending = true;

    TelegramChats(HttpClient client, String webhook, String secret, String fakeProviders, int chats) {
        this.client = client;
        this.webhook = webhook;
        this.secret = secret;
        this.fakeProviders = fakeProviders;
        this.chats = chats;
        // Chat and update ids no earlier run used: Telegram's are unique, and channel-adapters drops an update id it has seen.
        this.firstChat = System.currentTimeMillis() * 10;
        this.updateIds = new AtomicLong(firstChat);
    }

    void start() {
        for (int i = 0; i < chats; i++) {
            long chat = firstChat + i;
            threads.add(Thread.ofVirtual().name("telegram-" + chat).start(() -> converse(chat)));
        }
    }

    void stop(Duration drain) throws InterruptedException {
        sending = false;
        for (Thread t : threads) {
            if (!t.join(drain)) {
                t.interrupt();
            }
        }
    }

    long sent() {
        return sent.values().stream().mapToLong(Integer::longValue).sum();
    }

    private void converse(long chat) {
        try {
            for (int k = 1; sending; k++) {
                String update = update(updateIds.incrementAndGet(), chat, text(chat, k));
                for (int post = 0; post < POSTS_PER_UPDATE; post++) {
                    postUntilTaken(update);
                }
                sent.put(chat, k);
                Thread.sleep(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void postUntilTaken(String update) throws InterruptedException {
        long backoff = 250;
        while (true) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(webhook))
                        .header("Content-Type", "application/json").header("X-Telegram-Bot-Api-Secret-Token", secret)
                        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(update)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // channel-adapters is down or restarting: Telegram would post again, and so does this.
            }
            Thread.sleep(backoff);
            backoff = Math.min(2000, backoff * 2);
        }
    }

    /**
     * Reads the fake Telegram API's journal until every chat has its answers, or {@code wait} is over, and
     * counts what differs: an answer missing (lost), sent twice (duplicated), or out of place (reordered).
     */
    HistoryAudit.Findings audit(Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            HistoryAudit.Findings f = compare(answers());
            if (f.clean() || System.nanoTime() > deadline) {
                return f;
            }
            Thread.sleep(1000);
        }
    }

    private HistoryAudit.Findings compare(Map<Long, List<String>> answers) {
        HistoryAudit.Tally t = new HistoryAudit.Tally();
        for (var e : sent.entrySet()) {
            long chat = e.getKey();
            List<String> got = answers.getOrDefault(chat, List.of());
            List<String> expected = new ArrayList<>();
            for (int k = 1; k <= e.getValue(); k++) {
                expected.add("#" + k + ": " + text(chat, k));
            }
            for (String want : expected) {
                long n = got.stream().filter(want::equals).count();
                if (n == 0) {
                    t.lost(1, "telegram chat " + chat + ": no '" + want + "' reached Telegram");
                } else if (n > 1) {
                    t.duplicated(n - 1, "telegram chat " + chat + ": '" + want + "' reached Telegram " + n + " times");
                }
            }
            List<String> inOrder = got.stream().distinct().filter(expected::contains).toList();
            if (!inOrder.equals(expected.stream().filter(inOrder::contains).toList())) {
                t.reordered(1, "telegram chat " + chat + ": answers out of order: " + got);
            }
            got.stream().filter(a -> !expected.contains(a)).findFirst()
                    .ifPresent(a -> t.reordered(1, "telegram chat " + chat + ": an answer no message asked for: '" + a + "'"));
        }
        return t.findings();
    }

    /** The texts of the fake API's {@code sendMessage} requests to this run's chats, oldest first. */
    private Map<Long, List<String>> answers() throws IOException, InterruptedException {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(fakeProviders + "/__admin/requests"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("the fake providers' journal answered " + r.statusCode());
        }
        List<JsonNode> sends = new ArrayList<>();
        for (JsonNode request : EventCodec.mapper().readTree(r.body()).path("requests")) {
            if (request.path("request").path("url").asText().endsWith("/sendMessage")) {
                sends.add(request.path("request"));
            }
        }
        sends.sort(Comparator.comparingLong(q -> q.path("loggedDate").asLong()));
        Map<Long, List<String>> byChat = new HashMap<>();
        for (JsonNode q : sends) {
            JsonNode body = EventCodec.mapper().readTree(q.path("body").asText());
            long chat = body.path("chat_id").asLong();
            if (chat >= firstChat && chat < firstChat + chats) {
                byChat.computeIfAbsent(chat, c -> new ArrayList<>()).add(body.path("text").asText());
            }
        }
        return byChat;
    }

    private static String text(long chat, int k) {
        return "tg " + chat + "." + k;
    }

    private static String update(long updateId, long chat, String text) {
        return "{\"update_id\":" + updateId + ",\"message\":{\"message_id\":" + updateId + ",\"date\":" + (System.currentTimeMillis() / 1000)
                + ",\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"Chaos\"},\"chat\":{\"id\":" + chat
                + ",\"first_name\":\"Chaos\",\"type\":\"private\"},\"text\":\"" + text + "\"}}";
    }
}
