package dev.capsule.session.state;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventDecodingException;
import dev.capsule.events.StateChanged;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
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
 * {@code version}, and {@code change}, the
 * {@link StateChanged} that the turn which made the state sent to Kafka, kept as the bytes it
 * sent. The state is the event's data and snapshot, as the read model's copy is, and the turn
 * encodes it once for both. Saving is fenced: a Lua script writes only if the stored version is
 * the one the turn started from, so an instance that lost the session in a rebalance cannot
 * overwrite newer state. Called from turn threads (virtual threads), so the blocking client is
 * the right one to read.
 *
 * <p>A hash written by an older release holds {@code state}, the state as a {@link SessionState}
 * in JSON, instead: it is read while its version is the stored one, and the next save replaces it.
 *
 * <p>Saves are group-committed: the turns that finish while one pipelined batch of saves is on
 * its way to Redis go together in the next, so under load a round trip serves many turns and at
 * idle a lone save leaves at once.
 */
@ApplicationScoped
public class SessionStore {

    private static final Logger LOG = Logger.getLogger(SessionStore.class);
    private static final String KEY_PREFIX = "capsule:session:";

    /**
     * Returns -1 when written, else the stored version that refused the write. A missing key is
     * written whatever was expected: the state was then loaded from PostgreSQL after Redis lost it.
     */
    private static final String FENCED_SAVE = """
            local stored = redis.call('HGET', KEYS[1], 'version')
            if stored and tonumber(stored) ~= tonumber(ARGV[1]) then return tonumber(stored) end
            redis.call('HSET', KEYS[1], 'version', ARGV[2], 'change', ARGV[3])
            redis.call('HDEL', KEYS[1], 'state')
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return -1
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
        return fromHash(sessionId, redis.execute("HMGET", KEY_PREFIX + sessionId, "version", "change", "state"));
    }

    /**
     * The states Redis holds for {@code sessionIds}, read in one pipeline without waiting: by session id, empty for a
     * session Redis does not have.
     */
    public CompletableFuture<Map<String, Optional<SessionState>>> loadAll(List<String> sessionIds) {
        List<Request> reads = new ArrayList<>(sessionIds.size());
        for (String sessionId : sessionIds) {
            reads.add(Request.cmd(Command.HMGET).arg(KEY_PREFIX + sessionId).arg("version").arg("change").arg("state"));
        }
        return pipeline.batch(reads).map(answers -> {
            Map<String, Optional<SessionState>> states = new HashMap<>();
            for (int i = 0; i < sessionIds.size(); i++) {
                states.put(sessionIds.get(i), fromHash(sessionIds.get(i), answers.get(i)));
            }
            return states;
        }).subscribeAsCompletionStage();
    }

    /** The state in a session's hash as HMGET version change state answers it. */
    private static Optional<SessionState> fromHash(String sessionId, Response stored) {
        Response version = stored.get(0);
        Response change = stored.get(1);
        Response state = stored.get(2);
        if (version == null) {
            return Optional.empty();
        }
        try {
            if (change != null) {
                StateChanged announced = EventCodec.decode(change.toBytes(), StateChanged.class);
                // Unless an older release saved after this one: then its state is at the stored version, this change is not.
                if (state == null || announced.version() == version.toLong()) {
                    return Optional.of(SessionState.of(sessionId, announced.version(), announced.data(), announced.snapshot()));
                }
            }
            if (state != null) {
                return Optional.of(EventCodec.mapper().readValue(state.toBytes(), SessionState.class));
            }
        } catch (IOException | EventDecodingException e) {
            throw new IllegalStateException("the stored state of session " + sessionId + " is unreadable: " + e.getMessage(), e);
        }
        // Redis is a cache: a hash without a state is taken as lost, and the session resumes from PostgreSQL.
        LOG.warnf("session %s: Redis holds a version but no state under %s; resuming it from PostgreSQL", sessionId,
                KEY_PREFIX + sessionId);
        return Optional.empty();
    }

    /**
     * Saves the state {@code change} announces, whose version must be one more than the stored one;
     * returns once Redis has it.
     *
     * @throws StaleSessionException when the stored version has moved on
     */
    public void save(StateChanged change) {
        try {
            saveAsync(change, EventCodec.encode(change)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * Saves as {@link #save} does, without waiting, {@code encoded} being the change as the turn sent it to Kafka: the
     * future completes once Redis has it, or fails with {@link StaleSessionException}.
     */
    public CompletableFuture<Void> saveAsync(StateChanged change, byte[] encoded) {
        PendingSave save = new PendingSave(change.sessionId(), change.version(), encoded, new CompletableFuture<>());
        boolean lead;
        synchronized (this) {
            queued.add(save);
            lead = !saving;
            saving = true;
        }
        if (lead) {
            sendQueued();
        }
        return save.done;
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
        List<Request> requests = new ArrayList<>(batch.size());
        for (PendingSave save : batch) {
            requests.add(Request.cmd(Command.EVAL).arg(FENCED_SAVE).arg(1).arg(KEY_PREFIX + save.sessionId)
                    .arg(save.version - 1).arg(save.version).arg(save.encoded).arg(keptForMillis));
        }
        pipeline.batch(requests).subscribe().with(responses -> {
            for (int i = 0; i < batch.size(); i++) {
                PendingSave save = batch.get(i);
                Response answer = responses.get(i);
                long stored = answer == null ? Long.MIN_VALUE : answer.toLong();
                if (stored == Long.MIN_VALUE) {
                    save.done.completeExceptionally(new IllegalStateException("Redis gave no answer to the save of session "
                            + save.sessionId));
                } else if (stored == -1) {
                    save.done.complete(null);
                } else {
                    save.done.completeExceptionally(new StaleSessionException(save.sessionId, save.version - 1, stored));
                }
            }
            sendQueued();
        }, failure -> {
            IllegalStateException e = new IllegalStateException("Redis did not save the state of " + batch.size()
                    + " session(s): " + failure.getMessage(), failure);
            batch.forEach(save -> save.done.completeExceptionally(e));
            sendQueued();
        });
    }

    private record PendingSave(String sessionId, long version, byte[] encoded, CompletableFuture<Void> done) {
    }
}
