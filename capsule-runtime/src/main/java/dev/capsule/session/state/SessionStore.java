package dev.capsule.session.state;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.HistoryLine;
import dev.capsule.events.SessionSnapshot;
import dev.capsule.events.StateChanged;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Session state in Redis, one hash per session, kept for {@code capsule.session.state.redis-for} after its last save:
 * {@code version}; {@code head}, the {@link StateChanged} that the turn which made the state sent to Kafka, without
 * its history window; and that window a line a field ({@code line:<n>}, numbered on from the session's first line,
 * those from {@code first} up to {@code next} kept). The state is the event's data and snapshot, as the read model's
 * copy is. Saving is fenced: a Lua script writes only if the stored version is the one the turn started from, so an
 * instance that lost the session in a rebalance cannot overwrite newer state. Called from turn threads (virtual
 * threads), so the blocking client is the right one to read.
 *
 * <p>Why the window is kept a line a field: a turn adds a line or two to a window of up to 50, yet a save of the whole
 * state sent all of it (some 6 kB at 20 lines), and Redis's append-only file took every byte, its rewrites (which copy
 * the whole data set) coming as often as those bytes add up to it. So a save sends the head and the lines the turn
 * added, and the script drops the lines that left the window: the file took 1,469 bytes per plain message instead of
 * 3,649 in sessions of 20 messages (docs/performance.md). Redis's own CPU per save did not move measurably on the
 * stack. When Redis does not hold the window the turn added to (the key expired or was lost, or an older release
 * wrote the hash), the script says so and the save goes again with the whole window.
 *
 * <p>Hashes written by older releases are read while their version is the stored one, and the next save replaces
 * them: {@code change}, the whole {@code StateChanged}, and before it {@code state}, the state as a
 * {@link SessionState} in JSON.
 *
 * <p>Saves are group-committed: the turns that finish while one pipelined batch of saves is on
 * its way to Redis go together in the next, so under load a round trip serves many turns and at
 * idle a lone save leaves at once.
 */
@ApplicationScoped
public class SessionStore {

    private static final Logger LOG = Logger.getLogger(SessionStore.class);
    private static final String KEY_PREFIX = "capsule:session:";
    private static final String APPEND = "append";
    private static final String WHOLE = "whole";
    /** What the save script answers when the hash does not hold the window an append adds to. */
    private static final long NEEDS_WHOLE_WINDOW = -2;

    /**
     * ARGV: the version expected, the new version, the head, how long to keep the key in ms, {@code append} or
     * {@code whole}, how many lines the window keeps, how many lines the stored window must hold for an append, then
     * the lines to add, oldest first. Returns -1 when written, -2 when an append finds no window to add to, else the
     * stored version that refused the write. A missing key is written whatever was expected: the state was then loaded
     * from PostgreSQL after Redis lost it.
     */
    private static final String FENCED_SAVE = """
            local key = KEYS[1]
            local stored = redis.call('HGET', key, 'version')
            if stored and tonumber(stored) ~= tonumber(ARGV[1]) then return tonumber(stored) end
            local at = redis.call('HMGET', key, 'first', 'next', 'change', 'state')
            local from, upto = tonumber(at[1]), tonumber(at[2])
            if ARGV[5] == 'append' then
              if not stored or not from or not upto or at[3] or at[4] or upto - from ~= tonumber(ARGV[7]) then return -2 end
            else
              local old = {}
              if from and upto then for i = from, upto - 1 do old[#old + 1] = 'line:' .. i end end
              if #old > 0 then redis.call('HDEL', key, unpack(old)) end
              from, upto = 0, 0
            end
            local fields = {'version', ARGV[2], 'head', ARGV[3]}
            for i = 8, #ARGV do
              fields[#fields + 1] = 'line:' .. upto
              fields[#fields + 1] = ARGV[i]
              upto = upto + 1
            end
            local gone = {'change', 'state'}
            while upto - from > tonumber(ARGV[6]) do
              gone[#gone + 1] = 'line:' .. from
              from = from + 1
            end
            fields[#fields + 1] = 'first'
            fields[#fields + 1] = from
            fields[#fields + 1] = 'next'
            fields[#fields + 1] = upto
            redis.call('HSET', key, unpack(fields))
            redis.call('HDEL', key, unpack(gone))
            redis.call('PEXPIRE', key, ARGV[4])
            return -1
            """;

    /** The digest Redis knows {@link #FENCED_SAVE} by once it has run it. */
    private static final String FENCED_SAVE_DIGEST = digest(FENCED_SAVE);

    /** Answers version, head, first, next, change, state, then the window's lines, oldest first: one consistent read. */
    private static final String READ = """
            local at = redis.call('HMGET', KEYS[1], 'version', 'head', 'first', 'next', 'change', 'state')
            if at[1] and at[2] and at[3] and at[4] then
              for i = tonumber(at[3]), tonumber(at[4]) - 1 do at[#at + 1] = redis.call('HGET', KEYS[1], 'line:' .. i) end
            end
            return at
            """;

    private final RedisDataSource redis;
    private final Redis pipeline;
    private final long keptForMillis;
    private List<PendingSave> queued = new ArrayList<>(); // guarded by this
    private boolean saving; // guarded by this: a batch is on its way

    SessionStore(RedisDataSource redis, Redis pipeline, StateConfig config) {
        if (config.redisFor().toMillis() <= 0) {
            throw new IllegalArgumentException("capsule.session.state.redis-for must be a positive duration (such as P1D), not "
                    + config.redisFor());
        }
        this.redis = redis;
        this.pipeline = pipeline;
        this.keptForMillis = config.redisFor().toMillis();
    }

    public Optional<SessionState> load(String sessionId) {
        return fromHash(sessionId, redis.execute("EVAL", READ, "1", KEY_PREFIX + sessionId));
    }

    /**
     * The states Redis holds for {@code sessionIds}, read in one pipeline without waiting: by session id, empty for a
     * session Redis does not have.
     */
    public CompletableFuture<Map<String, Optional<SessionState>>> loadAll(List<String> sessionIds) {
        List<Request> reads = new ArrayList<>(sessionIds.size());
        for (String sessionId : sessionIds) {
            reads.add(Request.cmd(Command.EVAL).arg(READ).arg(1).arg(KEY_PREFIX + sessionId));
        }
        return pipeline.batch(reads).map(answers -> {
            Map<String, Optional<SessionState>> states = new HashMap<>();
            for (int i = 0; i < sessionIds.size(); i++) {
                states.put(sessionIds.get(i), fromHash(sessionIds.get(i), answers.get(i)));
            }
            return states;
        }).subscribeAsCompletionStage();
    }

    /** The state in a session's hash as the READ script answers it: the newest of the forms there at the stored version. */
    private static Optional<SessionState> fromHash(String sessionId, Response stored) {
        Response version = stored.get(0);
        if (version == null) {
            return Optional.empty();
        }
        Response head = stored.get(1);
        Response change = stored.get(4);
        Response state = stored.get(5);
        long at = version.toLong();
        try {
            if (change != null) {
                // Written by the release before this one, which kept the whole event; the newest form only if at the version.
                StateChanged whole = EventCodec.decode(change.toBytes(), StateChanged.class);
                if (whole.version() == at || (head == null && state == null)) {
                    return Optional.of(SessionState.of(sessionId, whole.version(), whole.data(), whole.snapshot()));
                }
            }
            if (head != null) {
                StateChanged saved = EventCodec.decode(head.toBytes(), StateChanged.class);
                if (saved.version() == at) {
                    List<HistoryLine> window = new ArrayList<>(stored.size() - 6);
                    for (int i = 6; i < stored.size(); i++) {
                        if (stored.get(i) == null) {
                            return lost(sessionId, "line " + (i - 6) + " of its history window");
                        }
                        window.add(EventCodec.mapper().readValue(stored.get(i).toBytes(), HistoryLine.class));
                    }
                    return Optional.of(SessionState.of(sessionId, at, saved.data(), saved.snapshot().withHistory(window)));
                }
            }
            if (state != null) {
                return Optional.of(EventCodec.mapper().readValue(state.toBytes(), SessionState.class));
            }
        } catch (IOException | EventDecodingException e) {
            throw new IllegalStateException("the stored state of session " + sessionId + " is unreadable: " + e.getMessage(), e);
        }
        return lost(sessionId, "a state at that version");
    }

    /** Redis is a cache: a hash without the whole state is taken as lost, and the session resumes from PostgreSQL. */
    private static Optional<SessionState> lost(String sessionId, String missing) {
        LOG.warnf("session %s: Redis holds a version but not %s under %s; resuming it from PostgreSQL", sessionId, missing,
                KEY_PREFIX + sessionId);
        return Optional.empty();
    }

    /**
     * Saves the state {@code change} announces, whose version must be one more than the stored one, with its whole
     * history window; returns once Redis has it.
     *
     * @throws StaleSessionException when the stored version has moved on
     */
    public void save(StateChanged change) {
        try {
            saveAsync(prepare(change, null)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * Encodes what the save of {@code change} sends, on the caller's thread: a turn prepares its save where it encodes
     * its events, so that the save itself, sent from Kafka's and Redis's callbacks, only queues bytes.
     * {@code windowBefore} is the history window of the state the turn started from: when the change's window is that
     * one with lines added (and maybe its oldest dropped), only the added lines are sent. Null sends the whole window.
     */
    public Save prepare(StateChanged change, List<HistoryLine> windowBefore) {
        SessionSnapshot snapshot = change.snapshot();
        if (snapshot == null) {
            throw new IllegalArgumentException("session " + change.sessionId() + ": a state change without a snapshot "
                    + "cannot be saved, as a session cannot resume from it");
        }
        List<HistoryLine> window = snapshot.history();
        List<HistoryLine> added = windowBefore == null ? null : added(windowBefore, window);
        StateChanged head = new StateChanged(change.eventId(), change.schemaVersion(), change.sessionId(), change.timestamp(),
                change.trace(), change.version(), change.data(), snapshot.withHistory(List.of()));
        List<byte[]> lines = new ArrayList<>();
        for (HistoryLine line : added != null ? added : window) {
            try {
                lines.add(EventCodec.mapper().writeValueAsBytes(line));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("session " + change.sessionId() + ": a history line could not be written as JSON: "
                        + e.getMessage(), e);
            }
        }
        return new Save(change, EventCodec.encode(head), lines, added != null, window.size(),
                added != null ? windowBefore.size() : 0);
    }

    /**
     * Saves as {@link #save} does, without waiting: the future completes once Redis has it, or fails with
     * {@link StaleSessionException}.
     */
    public CompletableFuture<Void> saveAsync(Save save) {
        PendingSave pending = new PendingSave(save, new CompletableFuture<>());
        boolean lead;
        synchronized (this) {
            queued.add(pending);
            lead = !saving;
            saving = true;
        }
        if (lead) {
            sendQueued();
        }
        return pending.done;
    }

    /** Sends every queued save as one pipeline; when Redis has answered, sends what queued meanwhile. */
    private void sendQueued() {
        List<PendingSave> batch;
        synchronized (this) {
            batch = queued;
            if (batch.isEmpty()) {
                saving = false;
                return;
            }
            queued = new ArrayList<>();
        }
        send(batch, batch.stream().map(pending -> request(pending.save, true)).toList(), true);
    }

    /**
     * Sends one pipeline of saves; when Redis has answered, sends what queued meanwhile. The saves call the script by its
     * digest, which spares Redis and the client its 1.1 kB text each time; a Redis that does not know it (it restarted,
     * or its scripts were flushed) refuses every call of the pipeline, which is then sent again with the text.
     */
    private void send(List<PendingSave> sent, List<Request> requests, boolean byDigest) {
        pipeline.batch(requests).subscribe().with(responses -> {
            for (int i = 0; i < sent.size(); i++) {
                PendingSave pending = sent.get(i);
                StateChanged change = pending.save.change;
                Response answer = responses.get(i);
                long stored = answer == null ? Long.MIN_VALUE : answer.toLong();
                if (stored == Long.MIN_VALUE) {
                    pending.done.completeExceptionally(new IllegalStateException("Redis gave no answer to the save of session "
                            + change.sessionId()));
                } else if (stored == -1) {
                    pending.done.complete(null);
                } else if (stored == NEEDS_WHOLE_WINDOW && pending.save.append) {
                    LOG.debugf("session %s: Redis does not hold the window version %d added to; saving it whole",
                            change.sessionId(), change.version());
                    try {
                        PendingSave whole = new PendingSave(prepare(change, null), pending.done);
                        synchronized (this) {
                            queued.add(whole);
                        }
                    } catch (RuntimeException e) {
                        pending.done.completeExceptionally(e);
                    }
                } else {
                    pending.done.completeExceptionally(new StaleSessionException(change.sessionId(), change.version() - 1,
                            stored));
                }
            }
            sendQueued();
        }, failure -> {
            if (byDigest && failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT")) {
                LOG.debugf("Redis does not know the save script (%s): sending %d save(s) with its text", failure.getMessage(),
                        sent.size());
                send(sent, sent.stream().map(pending -> request(pending.save, false)).toList(), false);
                return;
            }
            IllegalStateException e = new IllegalStateException("Redis did not save the state of " + sent.size()
                    + " session(s): " + failure.getMessage(), failure);
            sent.forEach(save -> save.done.completeExceptionally(e));
            sendQueued();
        });
    }

    /** The save script's call for one save, by the script's digest or with its text. */
    private Request request(Save save, boolean byDigest) {
        StateChanged change = save.change;
        Request request = byDigest
                ? Request.cmd(Command.EVALSHA).arg(FENCED_SAVE_DIGEST)
                : Request.cmd(Command.EVAL).arg(FENCED_SAVE);
        request.arg(1).arg(KEY_PREFIX + change.sessionId())
                .arg(change.version() - 1).arg(change.version()).arg(save.head).arg(keptForMillis)
                .arg(save.append ? APPEND : WHOLE).arg(save.keep).arg(save.heldBefore);
        save.lines.forEach(request::arg);
        return request;
    }

    /**
     * The lines {@code after} adds to {@code before}, when {@code after} is {@code before} with lines added at its end and
     * maybe some of its oldest dropped, as a turn changes the window; else null, and the window goes whole. Empty when
     * nothing was added. A window that starts empty goes whole too: every line of it is new, and a new session, which
     * Redis does not hold yet, would otherwise be refused first and sent again.
     */
    static List<HistoryLine> added(List<HistoryLine> before, List<HistoryLine> after) {
        if (before.isEmpty()) {
            return null;
        }
        int last = after.lastIndexOf(before.get(before.size() - 1));
        if (last < 0 || last + 1 > before.size()
                || !after.subList(0, last + 1).equals(before.subList(before.size() - last - 1, before.size()))) {
            return null;
        }
        return after.subList(last + 1, after.size());
    }

    private static String digest(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-1, which Redis names its scripts by", e);
        }
    }

    /** A save, encoded ({@link #prepare}): the head, the lines to send, and whether they add to the stored window. */
    public static final class Save {

        private final StateChanged change;
        private final byte[] head;
        private final List<byte[]> lines;
        private final boolean append;
        private final int keep;
        private final int heldBefore;

        private Save(StateChanged change, byte[] head, List<byte[]> lines, boolean append, int keep, int heldBefore) {
            this.change = change;
            this.head = head;
            this.lines = lines;
            this.append = append;
            this.keep = keep;
            this.heldBefore = heldBefore;
        }
    }

    private record PendingSave(Save save, CompletableFuture<Void> done) {
    }
}
