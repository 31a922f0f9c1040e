package dev.capsule.persistence.fold;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.capsule.events.SessionIds;
import dev.capsule.events.InboundMessage;
import dev.capsule.persistence.fold.EventFolds.Write;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * A user message enters a session's history only when its user owns the session (DESIGN
 * invariant 5). The owner is the durable claim in {@code session_owners}: the gateway writes it
 * before it publishes a session's first message, so for web and API sessions it is always there
 * first. An external channel's conversation ({@code telegram:…}) is claimed here, by the user of
 * its first folded message, in the batch's transaction (or, where the batch is folded one record at
 * a time because PostgreSQL refused a value, just before that message). A message by anyone else
 * (only a producer that bypasses the gateway can write one) is set aside on the dead-letter topic
 * with the reason, never folded; so is one whose session id is not of a shape Capsule makes.
 */
@ApplicationScoped
public class SessionOwners {

    private static final Logger LOG = Logger.getLogger(SessionOwners.class);

    private static final String OWNERS = "SELECT session_id, user_id FROM session_owners WHERE session_id = ANY($1)";
    private static final String CLAIM = """
            INSERT INTO session_owners (session_id, user_id, used) VALUES ($1, $2, true)
            ON CONFLICT (session_id) DO NOTHING""";

    private final Pool pool;
    private final DeadLetters deadLetters;
    /**
     * Owners already known, so that a batch of known sessions asks PostgreSQL nothing. Exact: a session
     * with a user message has a final owner (the gateway makes its claim final before publishing it,
     * and a conversation claimed here is claimed by such a message), and a final owner never changes.
     */
    // The cache's upkeep runs on the calling thread: left to the common pool, it woke a thread of it after writes.
    private final Cache<String, String> known = Caffeine.newBuilder().executor(Runnable::run).maximumSize(200_000).build();

    SessionOwners(Pool pool, DeadLetters deadLetters) {
        this.pool = pool;
        this.deadLetters = deadLetters;
    }

    /**
     * Of {@code pending}, in order, what may be folded: every write but the user messages of
     * someone who does not own their session, which are dead-lettered (once Kafka has each letter,
     * this completes), and with the claim of a session nobody owned yet before its first message.
     * Asking PostgreSQL is retried until it answers, holding the batch, as the fold itself is.
     */
    Uni<List<PendingFold>> admit(List<PendingFold> pending) {
        Set<String> sessions = new LinkedHashSet<>();
        List<PendingFold> checkable = new ArrayList<>(pending.size());
        List<Uni<Void>> unusable = new ArrayList<>();
        for (PendingFold p : pending) {
            if (p.event() instanceof InboundMessage m && !SessionIds.isCapsuleId(m.sessionId())) {
                // Not an id the gateway or a channel adapter makes; PostgreSQL might refuse it (a NUL), and a
                // refused owner query would hold every topic back.
                unusable.add(deadLetters.setAside(p.record(), "session id '" + m.sessionId()
                        + "' is not 1 to 128 letters, digits, '.', '_', ':' or '-'"));
                continue;
            }
            if (p.event() instanceof InboundMessage m) {
                sessions.add(m.sessionId());
            }
            checkable.add(p);
        }
        Uni<Void> setAside = unusable.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(unusable).andCollectFailures().replaceWithVoid();
        return setAside.chain(() -> admitChecked(checkable, sessions));
    }

    private Uni<List<PendingFold>> admitChecked(List<PendingFold> pending, Set<String> sessions) {
        if (sessions.isEmpty()) {
            return Uni.createFrom().item(pending);
        }
        Map<String, String> owners = new HashMap<>(known.getAllPresent(sessions));
        String[] unknown = sessions.stream().filter(id -> !owners.containsKey(id)).toArray(String[]::new);
        Uni<Void> looked = unknown.length == 0 ? Uni.createFrom().voidItem()
                : pool.preparedQuery(OWNERS).execute(Tuple.of(unknown))
                .onFailure().invoke(e -> LOG.warnf("reading the owners of %d sessions failed, retrying: %s", unknown.length, e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(10)).indefinitely()
                .invoke(rows -> {
                    for (Row row : rows) {
                        owners.put(row.getString("session_id"), row.getString("user_id"));
                    }
                })
                .replaceWithVoid();
        return looked.chain(() -> {
                    known.putAll(owners);
                    List<PendingFold> admitted = new ArrayList<>(pending.size() + 1);
                    List<Uni<Void>> refused = new ArrayList<>();
                    for (PendingFold p : pending) {
                        if (!(p.event() instanceof InboundMessage m)) {
                            admitted.add(p);
                            continue;
                        }
                        String owner = owners.get(m.sessionId());
                        if (owner == null) {
                            owners.put(m.sessionId(), m.user().id());
                            known.put(m.sessionId(), m.user().id());
                            admitted.add(new PendingFold(p.record(), m, new Write(CLAIM, Tuple.of(m.sessionId(), m.user().id()))));
                            admitted.add(p);
                        } else if (owner.equals(m.user().id())) {
                            admitted.add(p);
                        } else {
                            refused.add(deadLetters.setAside(p.record(), "user " + m.user().id()
                                    + " does not own session " + m.sessionId() + ": a message of another user's session is not folded"));
                        }
                    }
                    return refused.isEmpty() ? Uni.createFrom().item(admitted)
                            : Uni.join().all(refused).andCollectFailures().replaceWith(admitted);
                });
    }
}
