package dev.capsule.adapters.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.ChannelType;
import dev.capsule.adapters.inbound.Conversations;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of delivery: pacing by chat and channel, splitting long texts, addresses. */
class PacingAndSplittingTest {

    private static BoundChannel channel(Duration perChat, double perSecond) {
        return new BoundChannel("demo-telegram", ChannelType.TELEGRAM, "t", "s", null, null, "http://fake", perChat, perSecond,
                Duration.ofSeconds(1));
    }

    @Test
    void sendsToOneChatKeepThePerChatIntervalWhileAnotherChatGoesAtOnce() {
        RateLimits limits = new RateLimits();
        // A long interval, so that "at once" has a wide margin on a busy machine.
        BoundChannel c = channel(Duration.ofSeconds(2), 1000);
        long start = System.nanoTime();
        limits.acquire(c, "a");
        limits.acquire(c, "b");
        long otherChat = System.nanoTime() - start;
        limits.acquire(c, "a");
        long sameChat = System.nanoTime() - start;
        assertTrue(otherChat < Duration.ofMillis(1500).toNanos(), "another chat does not wait for the first one's interval: " + otherChat);
        assertTrue(sameChat >= Duration.ofMillis(1990).toNanos(), "a second send to one chat waits its interval: " + sameChat);
    }

    @Test
    void sendsOverTheWholeChannelKeepItsRate() {
        RateLimits limits = new RateLimits();
        BoundChannel c = channel(Duration.ZERO, 10); // 10 per second: 100 ms apart
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            limits.acquire(c, "chat-" + i);
        }
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(290).toNanos(), "four sends at 10/s take 300 ms");
    }

    @Test
    void aLongTextIsSplitAtSpacesIntoPiecesWithinTheLimit() {
        String text = "word ".repeat(30).strip();
        List<String> parts = Deliverer.split(text, 42);
        assertTrue(parts.stream().allMatch(p -> p.length() <= 42), parts.toString());
        assertEquals(text.replace(" ", ""), String.join("", parts).replace(" ", ""));
        assertEquals(List.of("short"), Deliverer.split("short", 42));
        assertEquals(List.of("x".repeat(42), "x".repeat(8)), Deliverer.split("x".repeat(50), 42), "no space: a hard cut");
    }

    @Test
    void aSessionIdLeadsBackToItsChatAndThread() {
        BoundChannel c = channel(Duration.ZERO, 1);
        Target group = new Target("-1001234567890", null, null);
        String session = Conversations.sessionId(c, group, "42", true);
        assertEquals("telegram:demo-telegram:-1001234567890:u.42", session);
        assertEquals(group, Conversations.targetOfSession(c, session));

        Target thread = new Target("C024BE91L", "1515449522.000016", null);
        assertEquals(thread, Conversations.targetOfSession(c, Conversations.sessionId(c, thread, "U1", true)));
        assertEquals(null, Conversations.targetOfSession(c, "slack:other:C1"));
        assertEquals(thread, Target.ofRoute(thread.route()));
        assertEquals(new Target("15551234567", null, "wamid.X=="), Target.ofRoute("15551234567||wamid.X=="));
    }
}
