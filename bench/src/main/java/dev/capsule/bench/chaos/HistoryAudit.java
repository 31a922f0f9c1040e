package dev.capsule.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.events.EventCodec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario's conversations left in the read model, against what was sent: every accepted
 * message in its session's history once, in sending order, with exactly one answer; each plain
 * answer numbered with its turn ({@code #N:}: a turn run twice, or out of order, numbers the next
 * one wrong); each streamed answer whole; each note in the owner's collection once. The fold is
 * asynchronous, so the audit is repeated until it comes out clean or its time is up.
 */
final class HistoryAudit {

    /** What differs: messages or answers missing, present twice, or out of place. */
    record Findings(long lost, long duplicated, long reordered, List<String> details) {
        boolean clean() {
            return lost + duplicated + reordered == 0;
        }

        Findings plus(Findings other) {
            List<String> all = new ArrayList<>(details);
            all.addAll(other.details);
            return new Findings(lost + other.lost, duplicated + other.duplicated, reordered + other.reordered, List.copyOf(all));
        }
    }

    private final HttpClient client;
    private final String gatewayHttp;
    private final String authorization;

    HistoryAudit(HttpClient client, String gatewayHttp, String token) {
        this.client = client;
        this.gatewayHttp = gatewayHttp;
        this.authorization = "Bearer " + token;
    }

    Findings audit(List<ChaosSession> sessions, String notePrefix, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Findings f = once(sessions, notePrefix);
            if (f.clean() || System.nanoTime() > deadline) {
                return f;
            }
            Thread.sleep(1000);
        }
    }

    private Findings once(List<ChaosSession> sessions, String notePrefix) throws InterruptedException {
        Tally t = new Tally();
        Map<String, Integer> notes;
        try {
            notes = notes(notePrefix);
        } catch (IOException | RuntimeException e) {
            t.lost(1, "the notes collection could not be read: " + e);
            return t.findings();
        }
        for (ChaosSession s : sessions) {
            try {
                compare(s, history(s.id), notes, t);
            } catch (IOException | RuntimeException e) {
                t.lost(1, s.id + ": its history could not be read: " + e);
            }
        }
        return t.findings();
    }

    /** One user message of the history and the answers that name it. */
    private record Line(String id, String text) {
    }

    static void compare(ChaosSession s, JsonNode history, Map<String, Integer> notes, Tally t) {
        List<Line> asked = new ArrayList<>();
        Map<String, List<String>> answers = new HashMap<>();
        for (JsonNode m : history) {
            if ("user".equals(m.path("role").asText())) {
                asked.add(new Line(m.path("id").asText(), m.path("text").asText()));
            } else if (m.hasNonNull("inReplyTo")) {
                answers.computeIfAbsent(m.path("inReplyTo").asText(), k -> new ArrayList<>()).add(m.path("text").asText());
            }
        }
        // Every text of a session is its own (it holds the message's position), so a text seen twice is a message doubled.
        Map<String, Integer> firstAt = new LinkedHashMap<>();
        List<Line> once = new ArrayList<>();
        for (Line line : asked) {
            if (firstAt.putIfAbsent(line.text(), once.size()) == null) {
                once.add(line);
            } else {
                t.duplicated(1, s.id + ": message '" + line.text() + "' is in the history twice");
            }
        }
        // A failed turn drops its data changes, the demo's turn counter among them: the next turn has its number.
        Map<String, ChaosMessage> byText = new HashMap<>();
        s.messages.forEach(m -> byText.put(m.text, m));
        int[] turnAt = new int[once.size()];
        int turns = 0;
        for (int i = 0; i < once.size(); i++) {
            ChaosMessage m = byText.get(once.get(i).text());
            turnAt[i] = ++turns;
            if (m != null && m.failed) {
                turns--;
            }
        }
        int previous = -1;
        for (ChaosMessage m : s.messages) {
            Integer at = firstAt.get(m.text);
            if (at == null) {
                if (m.accepted()) {
                    t.lost(1, s.id + ": accepted message " + m.position + " ('" + m.text + "') is not in the history");
                }
                continue; // never accepted: it may never have reached Kafka
            }
            if (at < previous) {
                t.reordered(1, s.id + ": message " + m.position + " comes before an earlier one in the history");
            }
            previous = Math.max(previous, at);
            int turn = turnAt[at];
            List<String> got = answers.getOrDefault(once.get(at).id(), List.of());
            if (got.isEmpty() && m.failed) {
                continue; // answered live with turn.failed, which the history does not keep; counted as failed
            }
            if (got.isEmpty()) {
                t.lost(1, s.id + ": message " + m.position + " ('" + m.text + "') has no answer in the history");
                continue;
            }
            if (got.size() > 1) {
                t.duplicated(got.size() - 1, s.id + ": message " + m.position + " has " + got.size() + " answers: " + got);
            }
            String answer = got.getFirst();
            String wrong = switch (m.kind) {
                case PLAIN -> answer.equals("#" + turn + ": " + m.text) ? null : "answered '" + answer + "' as turn " + turn;
                case STREAM -> answer.isBlank() || answer.strip().split("\\s+").length
                        != m.position + ChaosSession.STREAM_WORDS_OVER_POSITION ? "streamed an answer cut short: '" + answer + "'" : null;
                case NOTE -> answer.startsWith("Noted: " + m.text.substring("/remember ".length())) ? null
                        : "answered '" + answer + "' to a note";
            };
            if (wrong != null) {
                t.reordered(1, s.id + ": message " + m.position + " " + wrong);
            }
            if (m.kind == ChaosMessage.Kind.NOTE) {
                int kept = notes.getOrDefault(m.text.substring("/remember ".length()), 0);
                if (kept == 0) {
                    t.lost(1, s.id + ": the note of message " + m.position + " is not in the collection");
                } else if (kept > 1) {
                    t.duplicated(kept - 1, s.id + ": the note of message " + m.position + " is in the collection " + kept + " times");
                }
            }
        }
    }

    private JsonNode history(String sessionId) throws IOException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        long offset = 0;
        while (true) {
            JsonNode page = get("/api/sessions/" + sessionId + "/history?limit=500&offset=" + offset);
            page.path("messages").forEach(all::add);
            if (!page.hasNonNull("nextOffset")) {
                return EventCodec.mapper().valueToTree(all);
            }
            offset = page.get("nextOffset").asLong();
        }
    }

    /** The texts of the owner's notes that start with {@code prefix}, and how many times each is kept. */
    private Map<String, Integer> notes(String prefix) throws IOException, InterruptedException {
        Map<String, Integer> counts = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = get("/api/collections/notes?limit=200"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            for (JsonNode d : page.path("documents")) {
                String text = d.path("data").path("text").asText();
                if (text.startsWith(prefix)) {
                    counts.merge(text, 1, Integer::sum);
                }
            }
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return counts;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayHttp + path))
                .header("Authorization", authorization).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return EventCodec.mapper().createObjectNode(); // a collection or session nothing was kept in yet
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return EventCodec.mapper().readTree(response.body());
    }

    /** Counts and the first few descriptions of what differs. */
    static final class Tally {
        private long lost;
        private long duplicated;
        private long reordered;
        private final List<String> details = new ArrayList<>();

        void lost(long n, String why) {
            lost += n;
            note(why);
        }

        void duplicated(long n, String why) {
            duplicated += n;
            note(why);
        }

        void reordered(long n, String why) {
            reordered += n;
            note(why);
        }

        private void note(String why) {
            if (details.size() < 10) {
                details.add(why);
            }
        }

        Findings findings() {
            return new Findings(lost, duplicated, reordered, List.copyOf(details));
        }
    }
}
