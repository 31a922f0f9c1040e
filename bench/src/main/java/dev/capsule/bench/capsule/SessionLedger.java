package dev.capsule.bench.capsule;

import dev.capsule.bench.load.MessageKind;
import dev.capsule.events.Notify;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One session's messages and every event that came back for it, judged as they arrive: by seq
 * (the gateway numbers a session's events from 1 without gaps, so a repeat is a duplicate, a step
 * back is a reorder, a hole is a loss) and by content (the demo app answers message k with
 * {@code #k: …}, so a reply naming another turn is out of order).
 *
 * <p>A chat socket carries all of a session's events on one connection, so they must arrive in seq
 * order; it does not say which message a turn answers, but turns of one session run one at a time
 * in arrival order, so the n-th turn id seen belongs to the n-th message sent. Over HTTP each turn
 * comes on a response of its own, and two responses may be read in either order: there, seq must
 * rise within each response, and each turn's seqs must lie above the previous turn's, which
 * {@link #misorderedTurns} checks once the step is over.
 */
final class SessionLedger {

    final String id;
    final Transport transport;
    final List<SentMessage> messages = new ArrayList<>();

    private final StepMetrics metrics;
    private final Set<Long> seqs = new HashSet<>();
    private long maxSeq;
    private final Map<String, SentMessage> byTurn = new HashMap<>();
    private int nextUnbound;
    /** HTTP only: messages due while the previous one is not yet accepted, which a user would not send around. */
    private final ArrayDeque<SentMessage> waiting = new ArrayDeque<>();
    private boolean sending;
    /**
     * Chat only: the gateway refused a frame of this session. Its error frame does not say which
     * message it refused, so this session's turns can no longer be matched to messages by count:
     * its replies are not judged by content (the refusal is counted as an error).
     */
    private boolean chatRefusals;
    /** HTTP: events missing inside a turn's response, or between two turns' responses. */
    private long holes;

    SessionLedger(String id, Transport transport, StepMetrics metrics) {
        this.id = id;
        this.transport = transport;
        this.metrics = metrics;
    }

    synchronized void onEvent(OutboundEvent event, long now, SentMessage via) {
        if (!seqs.add(event.seq())) {
            metrics.duplicated(id + " seq " + event.seq() + " (" + event.type() + ") came again");
            return;
        }
        if (via == null && event.seq() < maxSeq || via != null && event.seq() < via.maxSeq) {
            metrics.outOfOrder(id + " seq " + event.seq() + " (" + event.type() + ") after seq "
                    + (via == null ? maxSeq : via.maxSeq));
        }
        maxSeq = Math.max(maxSeq, event.seq());
        SentMessage m = turnOf(event.inReplyTo(), via);
        if (m == null || m.endedAt != 0) {
            metrics.outOfOrder(id + " seq " + event.seq() + " (" + event.type() + ") "
                    + (m == null ? "answers a turn no message of this session is waiting for" : "came after its turn ended"));
            return;
        }
        m.minSeq = Math.min(m.minSeq, event.seq());
        m.maxSeq = Math.max(m.maxSeq, event.seq());
        m.events++;
        if (m.firstEventAt == 0 && !(event instanceof TurnEnded)) {
            m.firstEventAt = now;
            metrics.firstReply(transport, m, now - m.due);
        }
        switch (event) {
            case StreamChunk c -> {
                if (c.index() != m.chunks) {
                    metrics.outOfOrder(id + " chunk " + c.index() + " where chunk " + m.chunks + " was due");
                }
                if (m.chunks == 0) {
                    metrics.firstChunk.recordNanos(now - m.due);
                } else {
                    metrics.chunkGap.recordNanos(now - m.lastChunkAt);
                }
                m.lastChunkAt = now;
                m.chunks++;
                m.streamed.append(c.text());
            }
            case StreamEnd s -> {
                // A missing chunk already shows as a hole in seq; only a complete stream's text is compared.
                // The end carries the whole answer, which the chunks must add up to; a long stream's must
                // also hold every word asked for, or the answer was cut short.
                boolean chunksAddUp = s.chunks() == m.chunks && s.text().contentEquals(m.streamed);
                int expected = m.kind().expectedWords();
                int words = s.text().isBlank() ? 0 : s.text().strip().split("\\s+").length;
                boolean cutShort = expected > 0 && (words != expected || s.cancelled());
                m.whole = m.kind().streamed() && chunksAddUp && !cutShort && !chatRefusals;
                if (!chatRefusals && (!m.kind().streamed() || s.chunks() == m.chunks && !chunksAddUp)) {
                    metrics.outOfOrder(id + " stream end for message " + m.planned.position() + " (" + m.kind()
                            + ") does not match its chunks");
                } else if (!chatRefusals && chunksAddUp && cutShort) {
                    metrics.outOfOrder(id + " stream end for message " + m.planned.position() + " (" + m.kind()
                            + ") holds " + words + " words, not " + expected + (s.cancelled() ? ", cancelled" : ""));
                }
            }
            case Reply r -> {
                // A refused message made no turn: the demo app's turn counter does not count it.
                int turn = m.planned.position() - refusedBefore(m);
                if (!chatRefusals && (m.kind().streamed() || !r.text().equals(m.expectedReply(turn))
                        || m.kind() == MessageKind.NOTIFY && m.notifies == 0)) {
                    metrics.outOfOrder(id + " reply '" + r.text() + "' to message " + m.planned.position() + " ("
                            + m.kind() + "), expected '" + m.expectedReply(turn) + "'");
                }
            }
            case Notify n -> m.notifies++;
            case TurnEnded t -> {
                m.endedAt = now;
                if (via != null) {
                    // A response carries its turn's events in order: at its end, a gap inside it is a loss.
                    holes += m.maxSeq - m.minSeq + 1 - m.events;
                }
                metrics.turnEnd.recordNanos(now - m.due);
                metrics.answered(now);
            }
            case TurnFailed f -> {
                m.endedAt = now;
                metrics.failed.incrementAndGet();
                metrics.answered(now);
            }
            default -> {
            }
        }
    }

    private SentMessage turnOf(String turnId, SentMessage via) {
        SentMessage known = byTurn.get(turnId);
        if (known != null) {
            return via == null || via == known ? known : null;
        }
        SentMessage m = via != null ? via : nextUnbound < messages.size() ? messages.get(nextUnbound++) : null;
        if (m == null || m.turnId != null) {
            return null;
        }
        m.turnId = turnId;
        byTurn.put(turnId, m);
        return m;
    }

    /** HTTP: the gateway refused {@code m}. */
    synchronized void refused(SentMessage m) {
        m.refused = true;
    }

    /** Chat: the gateway refused one of this session's frames, which one it does not say. */
    synchronized void chatRefused() {
        chatRefusals = true;
    }

    private int refusedBefore(SentMessage m) {
        int n = 0;
        for (SentMessage earlier : messages) {
            if (earlier == m) {
                break;
            }
            n += earlier.refused ? 1 : 0;
        }
        return n;
    }

    /** HTTP: turns whose seqs do not all lie above the previous turn's; counted once the step is over. */
    synchronized int misorderedTurns() {
        int n = 0;
        long floor = 0;
        for (SentMessage m : messages) {
            if (m.maxSeq == 0) {
                continue;
            }
            if (m.minSeq <= floor) {
                n++;
                metrics.outOfOrder(id + " message " + m.planned.position() + " has seqs " + m.minSeq + ".." + m.maxSeq
                        + ", not all after the previous turn's last, " + floor);
            } else if (m.endedAt != 0 && m.minSeq > floor + 1 && (floor > 0 || m.planned.position() == 1)) {
                holes += m.minSeq - floor - 1; // events between two finished turns that no response carried
            }
            floor = Math.max(floor, m.maxSeq);
        }
        return n;
    }

    /** HTTP: true when {@code m} may leave now; otherwise it waits for the previous message's acceptance. */
    synchronized boolean offer(SentMessage m) {
        if (sending) {
            waiting.add(m);
            return false;
        }
        sending = true;
        return true;
    }

    /** HTTP: {@code m} was accepted (or refused); the next waiting message, to send now, if any. */
    synchronized SentMessage release(SentMessage m) {
        if (m.released) {
            return null;
        }
        m.released = true;
        SentMessage next = waiting.poll();
        sending = next != null;
        return next;
    }

    /**
     * At the end of the drain: each message still unanswered gets its first-reply latency as at
     * least the time it has waited, so that a queue the drain cut short still shows in the tail.
     */
    synchronized int recordUnanswered(long drainEnd) {
        int n = 0;
        for (SentMessage m : messages) {
            if (m.endedAt == 0 && !m.refused) {
                n++;
                if (m.firstEventAt == 0) {
                    metrics.firstReply(transport, m, drainEnd - m.due);
                }
            }
        }
        return n;
    }

    /**
     * Events missing from the seq run 1..max, once every turn of the session has ended: before
     * that, a hole may be an event still on its way on another HTTP response.
     */
    synchronized long seqHoles() {
        if (transport.http()) {
            return holes;
        }
        boolean over = messages.stream().allMatch(m -> m.endedAt != 0 || m.refused);
        return over ? maxSeq - seqs.size() : 0;
    }

    /** Streamed answers whose turn ended with their end whole: every chunk, adding up to the text asked for. */
    synchronized long wholeStreams() {
        return messages.stream().filter(m -> m.endedAt != 0 && m.whole).count();
    }

    synchronized boolean allAnswered() {
        return !chatRefusals && messages.stream().allMatch(m -> m.endedAt != 0 && !m.refused);
    }
}
