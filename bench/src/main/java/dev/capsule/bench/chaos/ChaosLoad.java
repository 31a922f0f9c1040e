package dev.capsule.bench.chaos;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The steady load one scenario runs under: N conversations of {@link ChaosSession}, each on a
 * virtual thread, and what they saw live. What was lost, doubled or reordered is decided
 * afterwards from the history ({@link HistoryAudit}); live, only a repeated seq shows.
 */
final class ChaosLoad {

    /** A message first sent after the fault was repaired and answered within this long means the stack is back. */
    static final Duration RECOVERED_WHEN_ANSWERED_WITHIN = Duration.ofSeconds(2);

    private final HttpClient client;
    private final List<String> bases;
    private final String authorization;
    private final String notePrefix;
    private final List<ChaosSession> sessions = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> anomalies = new CopyOnWriteArrayList<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failedTurns = new AtomicLong();
    private final AtomicLong liveDuplicates = new AtomicLong();
    private volatile boolean sending = true;
    private volatile long startedAt;
    private volatile boolean retrying = true;

    ChaosLoad(HttpClient client, List<String> gateways, String token, String runId, String scenario, int sessionCount) {
        this.client = client;
        this.bases = gateways.stream().map(g -> g + "/api/sessions/").toList();
        this.authorization = "Bearer " + token;
        this.notePrefix = "chaos-" + runId + "-" + scenario + "-";
        for (int i = 0; i < sessionCount; i++) {
            sessions.add(new ChaosSession("chaos-" + runId + "-" + scenario + "-" + i, i, this, 31L * i + scenario.hashCode()));
        }
    }

    void start() {
        startedAt = System.nanoTime();
        sessions.forEach(s -> threads.add(Thread.ofVirtual().name(s.id).start(s)));
    }

    /** No new messages; those on their way are still sent until accepted, for at most {@code drain}; then waits for the sessions to stop. */
    void stop(Duration drain) throws InterruptedException {
        sending = false;
        long deadline = System.nanoTime() + drain.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                retrying = false;
            }
        }
        retrying = false;
        for (Thread t : threads) {
            // A stream that never ends (a gateway that hangs) is cut here; the history decides.
            if (!t.join(Duration.ofSeconds(90))) {
                t.interrupt();
                anomaly(t.getName() + ": still waiting for an answer after the drain");
            }
        }
    }

    List<ChaosSession> sessions() {
        return sessions;
    }

    /**
     * Seconds from {@code faultStart} until the stack answered again as before: the first answer, to a
     * message first sent after {@code repaired}, within {@link #RECOVERED_WHEN_ANSWERED_WITHIN}; -1 if none came.
     */
    double recoverySeconds(long faultStart, long repaired) {
        long first = Long.MAX_VALUE;
        for (ChaosSession s : sessions) {
            for (ChaosMessage m : s.messages) {
                if (m.firstSentAt >= repaired && m.endedAt != 0
                        && m.endedAt - m.firstSentAt <= RECOVERED_WHEN_ANSWERED_WITHIN.toNanos()) {
                    first = Math.min(first, m.endedAt);
                }
            }
        }
        return first == Long.MAX_VALUE ? -1 : (first - faultStart) / 1e9;
    }

    /** p99 in ms, from first send to the turn's end, of the plain messages first sent in [from, to); -1 when none were. */
    double p99Millis(long from, long to) {
        List<Long> took = new ArrayList<>();
        for (ChaosSession s : sessions) {
            for (ChaosMessage m : s.messages) {
                if (m.kind == ChaosMessage.Kind.PLAIN && m.firstSentAt >= from && m.firstSentAt < to && m.endedAt != 0) {
                    took.add(m.endedAt - m.firstSentAt);
                }
            }
        }
        if (took.isEmpty()) {
            return -1;
        }
        java.util.Collections.sort(took);
        return took.get(Math.min(took.size() - 1, (int) Math.ceil(took.size() * 0.99) - 1)) / 1e6;
    }

    long startedAt() {
        return startedAt;
    }

    long sent() {
        return sessions.stream().mapToLong(s -> s.messages.stream().filter(m -> m.accepted() || m.inDoubt).count()).sum();
    }

    long answeredLive() {
        return answered.get();
    }

    long failedTurns() {
        return failedTurns.get();
    }

    long liveDuplicates() {
        return liveDuplicates.get();
    }

    List<String> anomalies() {
        return anomalies;
    }

    boolean sending() {
        return sending;
    }

    boolean retrying() {
        return retrying;
    }

    HttpClient client() {
        return client;
    }

    /**
     * Where a session's {@code attempt}-th send goes: with several gateways (replicas behind no balancer), the
     * sessions spread over them, and a send again goes to the next one, as a client behind a balancer would reach
     * another replica when the first is gone.
     */
    String base(int session, int attempt) {
        return bases.get((session + attempt) % bases.size());
    }

    String authorization() {
        return authorization;
    }

    String notePrefix() {
        return notePrefix;
    }

    void answered(ChaosMessage m, boolean failed) {
        answered.incrementAndGet();
        if (failed) {
            failedTurns.incrementAndGet();
            anomaly("message " + m.position + " (" + m.text + "): its turn failed");
        }
    }

    void liveDuplicate(String what) {
        liveDuplicates.incrementAndGet();
        anomaly(what);
    }

    void anomaly(String what) {
        if (anomalies.size() < 20) {
            anomalies.add(what);
        }
    }

    static void pause(Duration d) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(d.toMillis());
    }
}
