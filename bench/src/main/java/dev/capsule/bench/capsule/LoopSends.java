package dev.capsule.bench.capsule;

import dev.capsule.bench.load.OpenLoop;
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.impl.ContextInternal;
import java.util.concurrent.TimeUnit;

/**
 * The open loop of Capsule's steps, run by the drivers' event loop itself: message i is due at
 * {@code start + i / rate}, as in {@link OpenLoop}, and is sent when the loop's timer fires for
 * it, together with every other message due by then. A thread of its own, as {@link OpenLoop}
 * has, parked and woke once per message and then woke the event loop to send it: two thread
 * hand-offs per message, a fifth of the generator's CPU at 5,000 msg/s (see package-info). Here a
 * send is a timer on the loop that carries the answers anyway. Latencies still count from the due
 * time, so a send that leaves late counts against the result, never for it.
 */
final class LoopSends implements Runnable {

    private final ContextInternal context;
    private final EventLoop eventLoop;
    private final long startNanos;
    private final double ratePerSecond;
    private final int count;
    private final OpenLoop.Send send;
    private final Promise<Void> done;
    private int next;

    private LoopSends(ContextInternal context, long startNanos, double ratePerSecond, int count, OpenLoop.Send send) {
        this.context = context;
        this.eventLoop = context.nettyEventLoop();
        this.startNanos = startNanos;
        this.ratePerSecond = ratePerSecond;
        this.count = count;
        this.send = send;
        this.done = context.promise();
    }

    /**
     * Calls {@code send} on {@code loop}'s thread for each of {@code count} messages at its due time; the
     * future completes when the last has been sent, or fails with the first exception a send threw.
     */
    static Future<Void> run(ContextInternal loop, long startNanos, double ratePerSecond, int count, OpenLoop.Send send) {
        LoopSends sends = new LoopSends(loop, startNanos, ratePerSecond, count, send);
        sends.eventLoop.execute(sends);
        return sends.done.future();
    }

    /** On the event loop: everything due by now goes, then the timer is set for the next. */
    @Override
    public void run() {
        context.dispatch(this::sendDue);
    }

    private void sendDue() {
        long now = System.nanoTime();
        try {
            while (next < count) {
                long due = OpenLoop.due(startNanos, ratePerSecond, next);
                if (due > now) {
                    eventLoop.schedule(this, due - now, TimeUnit.NANOSECONDS);
                    return;
                }
                send.send(next++, due);
            }
            done.complete();
        } catch (RuntimeException | Error e) {
            // Failed, not thrown: thrown into Netty's loop it would be logged there, and the step would wait out its slack.
            done.fail(e);
        }
    }
}
