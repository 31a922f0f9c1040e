package dev.capsule.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.gateway.delivery.OutboundFrame;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.gateway.delivery.Deliveries;
import dev.capsule.gateway.delivery.FirstReplies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.capsule.gateway.delivery.TurnWaiter;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Which sessions' events this replica decodes: those a socket follows or a request waits on, no others. */
class DeliveriesTest {

    final Deliveries deliveries = new Deliveries(new FirstReplies(new SimpleMeterRegistry()));

    static InboundMessage message(String session) {
        return InboundMessage.of(EventMeta.next(session, TraceContext.NONE), new UserRef("ana", null, "ana"), "api", "hi", null);
    }

    @Test
    void aSessionNobodyHereServesIsNotWanted() {
        assertFalse(deliveries.wants("elsewhere"));
    }

    @Test
    void aFollowedSessionIsWantedUntilItsLastSocketLeaves() {
        Consumer<OutboundFrame> first = e -> { };
        Consumer<OutboundFrame> second = e -> { };
        deliveries.follow("s1", first);
        deliveries.follow("s1", second);
        deliveries.unfollow("s1", first);
        assertTrue(deliveries.wants("s1"));
        deliveries.unfollow("s1", second);
        assertFalse(deliveries.wants("s1"));
    }

    @Test
    void aSessionWithAWaitedTurnIsWantedUntilItsLastTurnIsForgotten() {
        InboundMessage one = message("s2");
        InboundMessage two = message("s2");
        TurnWaiter first = deliveries.awaitTurn(one);
        TurnWaiter second = deliveries.awaitTurn(two);
        deliveries.forgetTurn(one, first);
        deliveries.forgetTurn(one, first); // forgetting twice (a timeout and then the end) counts once
        assertTrue(deliveries.wants("s2"));
        deliveries.forgetTurn(two, second);
        assertFalse(deliveries.wants("s2"));
    }

    @Test
    void aMessageSentAgainUnderItsIdTakesTheWaitOverAndTheEarlierRequestEnds() {
        InboundMessage sent = message("s3");
        TurnWaiter earlier = deliveries.awaitTurn(sent);
        AssertSubscriber<OutboundFrame> earlierEvents = earlier.events().subscribe().withSubscriber(AssertSubscriber.create(10));
        TurnWaiter again = deliveries.awaitTurn(sent);
        earlierEvents.assertCompleted();
        deliveries.forgetTurn(sent, earlier); // the earlier request's end does not stop the later one's wait
        assertTrue(deliveries.wants("s3"));
        deliveries.forgetTurn(sent, again);
        assertFalse(deliveries.wants("s3"));
    }

    @Test
    void aWaitWhoseTurnSendsNothingForTheTimeoutEndsSilentAndAnEventStartsTheSilenceAgain() {
        AtomicLong clock = new AtomicLong();
        Deliveries timed = new Deliveries(new FirstReplies(new SimpleMeterRegistry()), clock::get);
        long timeout = Duration.ofSeconds(60).toNanos();
        InboundMessage quiet = message("s4");
        InboundMessage talking = message("s4");
        AssertSubscriber<OutboundFrame> quietEvents = timed.awaitTurn(quiet).events()
                .subscribe().withSubscriber(AssertSubscriber.create(10));
        AssertSubscriber<OutboundFrame> talkingEvents = timed.awaitTurn(talking).events()
                .subscribe().withSubscriber(AssertSubscriber.create(10));

        assertEquals(0, timed.endSilentTurns(timeout / 2, Duration.ofNanos(timeout)), "half the timeout ends nothing");
        clock.set(timeout / 2);
        timed.dispatch(new OutboundFrame("s4", talking.eventId(), 1, "reply", "{}"));
        assertEquals(1, timed.endSilentTurns(timeout, Duration.ofNanos(timeout)), "the quiet one, silent since the start");
        quietEvents.assertFailedWith(TurnWaiter.Silent.class);
        talkingEvents.assertNotTerminated();
        assertEquals(1, talkingEvents.getItems().size());

        assertEquals(1, timed.endSilentTurns(timeout / 2 + timeout, Duration.ofNanos(timeout)), "a timeout after its event");
        talkingEvents.assertFailedWith(TurnWaiter.Silent.class);
        assertEquals(0, timed.endSilentTurns(3 * timeout, Duration.ofNanos(timeout)), "an ended wait ends once");
    }
}
