package dev.capsule.adapters.outbound;

import dev.capsule.adapters.config.BoundChannel;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces sends as the providers document their limits: a least interval between two sends to
 * one chat, and a most-per-second over the whole channel (bot, workspace, number). A caller
 * reserves its slot under a short lock and then waits outside it, on its own (virtual) thread,
 * so a chat waiting for its slot holds up nobody else.
 */
@ApplicationScoped
public class RateLimits {

    private static final long SWEEP_EVERY = 1024;

    private final ConcurrentHashMap<String, Slot> chats = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Slot> channels = new ConcurrentHashMap<>();
    private long calls;

    /** Waits until both the chat and its channel may send again, and takes the slot. */
    public void acquire(BoundChannel channel, String chat) {
        long now = System.nanoTime();
        long chatAt = channel.perChatInterval().isZero() ? now
                : chats.computeIfAbsent(channel.name() + "/" + chat, k -> new Slot()).reserve(now, channel.perChatInterval().toNanos());
        long channelGap = (long) (TimeUnit.SECONDS.toNanos(1) / channel.perChannelRate());
        long at = channels.computeIfAbsent(channel.name(), k -> new Slot()).reserve(Math.max(now, chatAt), channelGap);
        waitUntil(at);
        sweep(now);
    }

    private static void waitUntil(long at) {
        long left;
        while ((left = at - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Forgets chats that have been quiet for a minute, so the map holds only the active ones. */
    private void sweep(long now) {
        boolean due;
        synchronized (this) {
            due = ++calls % SWEEP_EVERY == 0;
        }
        if (due) {
            long horizon = now - Duration.ofMinutes(1).toNanos();
            chats.values().removeIf(s -> s.before(horizon));
        }
    }

    /** The next free moment of one chat or channel. */
    private static final class Slot {

        private long next = Long.MIN_VALUE;

        /** Takes the first slot at or after {@code earliest}; the one after it is {@code gap} later. */
        synchronized long reserve(long earliest, long gap) {
            long at = next == Long.MIN_VALUE ? earliest : Math.max(earliest, next);
            next = at + gap;
            return at;
        }

        synchronized boolean before(long horizon) {
            return next != Long.MIN_VALUE && next < horizon;
        }
    }
}
