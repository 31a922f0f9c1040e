package dev.capsule.gateway.delivery;

import dev.capsule.events.InboundMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Who on this replica waits for which outbound events: HTTP requests wait for one turn (by the
 * inbound message's id), chat sockets follow whole sessions. Every replica reads every
 * outbound event and delivers those someone here waits for, so a user may be on any replica;
 * {@link #wants} lets the feed pass over the rest by their key, without decoding them.
 */
@ApplicationScoped
public class Deliveries {

    private final ConcurrentHashMap<String, TurnWaiter> turns = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Consumer<OutboundFrame>>> sessions = new ConcurrentHashMap<>();
    /** Sessions with a turn waited for here, and how many. */
    private final ConcurrentHashMap<String, Integer> turnSessions = new ConcurrentHashMap<>();
    private final FirstReplies firstReplies;
    private final LongSupplier clock;

    @Inject
    public Deliveries(FirstReplies firstReplies) {
        this(firstReplies, System::nanoTime);
    }

    /** With {@code clock} (nanoseconds) as the time the waits hear their turns' events by: a test's own clock. */
    public Deliveries(FirstReplies firstReplies, LongSupplier clock) {
        this.firstReplies = firstReplies;
        this.clock = clock;
    }

    /**
     * Starts waiting for the turn of inbound {@code message}; register before publishing it. A message
     * sent again under the same id (an idempotency key) while a request still waits for it takes the
     * wait over: the client gave up on the earlier request, whose events end there.
     */
    public TurnWaiter awaitTurn(InboundMessage message) {
        TurnWaiter waiter = new TurnWaiter(clock);
        TurnWaiter earlier = turns.put(message.eventId(), waiter);
        if (earlier == null) {
            turnSessions.merge(message.sessionId(), 1, Integer::sum);
        } else {
            earlier.superseded();
        }
        return waiter;
    }

    /** Stops {@code waiter} waiting for the turn of {@code message}; once is enough, more is harmless. */
    public void forgetTurn(InboundMessage message, TurnWaiter waiter) {
        if (turns.remove(message.eventId(), waiter)) {
            turnSessions.computeIfPresent(message.sessionId(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /**
     * Ends the waits whose turns have sent nothing for {@code silence} as of {@code now} (by this object's clock), each
     * with {@link TurnWaiter.Silent}; answers how many.
     */
    public int endSilentTurns(long now, Duration silence) {
        int ended = 0;
        for (TurnWaiter waiter : turns.values()) {
            if (waiter.endIfSilent(now, silence)) {
                ended++;
            }
        }
        return ended;
    }

    /**
     * Whether anyone here may want events of {@code sessionId}. An event that nobody here
     * wanted when it arrived is never wanted later: a socket that starts following a session
     * reads what it missed from the log ({@link OutboundReplay}), and a turn is waited for
     * before its message is published.
     */
    public boolean wants(String sessionId) {
        return sessions.containsKey(sessionId) || turnSessions.containsKey(sessionId);
    }

    public void follow(String sessionId, Consumer<OutboundFrame> listener) {
        sessions.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(listener);
    }

    public void unfollow(String sessionId, Consumer<OutboundFrame> listener) {
        sessions.computeIfPresent(sessionId, (k, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many listeners on this replica follow {@code sessionId}: none once every socket on it has closed. */
    public int followers(String sessionId) {
        Set<Consumer<OutboundFrame>> listeners = sessions.get(sessionId);
        return listeners == null ? 0 : listeners.size();
    }

    /** Hands {@code event} to whoever here waits for it; nobody waiting is normal (another replica serves that user). */
    public void dispatch(OutboundFrame event) {
        firstReplies.delivered(event);
        TurnWaiter waiter = turns.get(event.inReplyTo());
        if (waiter != null) {
            waiter.accept(event);
        }
        Set<Consumer<OutboundFrame>> listeners = sessions.get(event.sessionId());
        if (listeners != null) {
            listeners.forEach(l -> l.accept(event));
        }
    }
}
