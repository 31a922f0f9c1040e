package dev.capsule.session.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.capsule.events.EventCodec;
import io.quarkus.redis.datasource.RedisDataSource;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Session state in Redis, one hash per session ({@code version}, {@code state}). Saving is
 * fenced: a Lua script writes only if the stored version is the one the turn started from,
 * so an instance that lost the session in a rebalance cannot overwrite newer state.
 * Called from turn threads (virtual threads), so the blocking client is the right one to read.
 *
 * <p>Saves are group-committed: the turns that finish while one pipelined batch of saves is on
 * its way to Redis go together in the next, so under load a round trip serves many turns and at
 * idle a lone save leaves at once.
 */
@ApplicationScoped
public class SessionStore {

    private static final String KEY_PREFIX = "capsule:session:";

    /**
     * Returns -1 when written, else the stored version that refused the write. A missing key is
     * written whatever was expected: the state was then loaded from PostgreSQL after Redis lost it.
     */
    private static final String FENCED_SAVE = """
            local stored = redis.call('HGET', KEYS[1], 'version')
            if stored and tonumber(stored) ~= tonumber(ARGV[1]) then return tonumber(stored) end
            redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
            return -1
            """;

    private final RedisDataSource redis;
    private final Redis pipeline;
    private List<PendingSave> queued = new ArrayList<>(); // guarded by this
    private boolean saving; // guarded by this: a batch is on its way

    SessionStore(RedisDataSource redis, Redis pipeline) {
        this.redis = redis;
        this.pipeline = pipeline;
    }

    public Optional<SessionState> load(String sessionId) {
        Response state = redis.execute("HGET", KEY_PREFIX + sessionId, "state");
        if (state == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventCodec.mapper().readValue(state.toString(), SessionState.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored state of session " + sessionId + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Saves {@code next}, whose version must be one more than the stored one; returns once Redis
     * has it.
     *
     * @throws StaleSessionException when the stored version has moved on
     */
    public void save(SessionState next) {
        try {
            saveAsync(next).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * Saves {@code next} as {@link #save} does, without waiting: the future completes once Redis
     * has it, or fails with {@link StaleSessionException}.
     */
    public CompletableFuture<Void> saveAsync(SessionState next) {
        String json;
        try {
            json = EventCodec.mapper().writeValueAsString(next);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the state of session " + next.sessionId(), e);
        }
        PendingSave save = new PendingSave(next, json, new CompletableFuture<>());
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
            long expected = save.next.version() - 1;
            requests.add(Request.cmd(Command.EVAL).arg(FENCED_SAVE).arg(1).arg(KEY_PREFIX + save.next.sessionId())
                    .arg(expected).arg(save.next.version()).arg(save.json));
        }
        pipeline.batch(requests).subscribe().with(responses -> {
            for (int i = 0; i < batch.size(); i++) {
                PendingSave save = batch.get(i);
                Response answer = responses.get(i);
                long stored = answer == null ? Long.MIN_VALUE : answer.toLong();
                if (stored == Long.MIN_VALUE) {
                    save.done.completeExceptionally(new IllegalStateException("Redis gave no answer to the save of session "
                            + save.next.sessionId()));
                } else if (stored == -1) {
                    save.done.complete(null);
                } else {
                    save.done.completeExceptionally(new StaleSessionException(save.next.sessionId(), save.next.version() - 1, stored));
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

    private record PendingSave(SessionState next, String json, CompletableFuture<Void> done) {
    }
}
