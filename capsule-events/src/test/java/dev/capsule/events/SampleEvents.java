package dev.capsule.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Events of the contract for tests, here and in the modules that read them (this module's test jar). */
public final class SampleEvents {

    private SampleEvents() {
    }

    public static final TraceContext TRACE = new TraceContext("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
    public static final UserRef USER = new UserRef("u1", "ana@example.org", "u1");

    /** One event of each type of the contract, every optional part filled. */
    public static Stream<CapsuleEvent> oneOfEachType() {
        ObjectNode card = EventCodec.mapper().createObjectNode().put("kind", "task_card").put("title", "Ship it");
        ObjectNode data = EventCodec.mapper().createObjectNode().put("turns", 3);
        return Stream.of(
                InboundMessage.of(meta(), USER, "web", "hello", "gw-1"),
                InboundMessage.pressed(meta(), USER, "web", new InboundMessage.Action("done", "Mark done"), "gw-1"),
                Reply.of(meta(), "in-1", 1, "web", "gw-1", "#1: hello"),
                Notify.of(meta(), "in-1", 2, "api", null, "typing"),
                StreamChunk.of(meta(), "in-1", 3, "web", "gw-1", "st-1", 0, "Hel"),
                StreamEnd.of(meta(), "in-1", 4, "web", "gw-1", "st-1", 1, "Hel", false),
                Show.of(meta(), "in-1", 5, "web", "gw-1", card),
                TurnEnded.of(meta(), "in-1", 6, "web", "gw-1", 5),
                TurnFailed.of(meta(), "in-1", 7, "web", "gw-1", "handler_error", "Something went wrong"),
                SessionOpened.of(meta(), USER, "web"),
                SessionClosed.of(meta(), "idle"),
                StateChanged.of(meta(), 4, data, new SessionSnapshot(USER, "web", java.time.Instant.parse("2026-01-02T03:04:05Z"), 9,
                        List.of("in-1"), List.of(new HistoryLine("in-1", "user", "hello", java.time.Instant.parse("2026-01-02T03:04:05Z"))),
                        java.time.Instant.parse("2026-01-02T04:00:00Z"), new InboundPosition(3, 1234))),
                DocumentChanged.of(meta(), "u1", "notes", "d-1", 2, false, data,
                        java.time.Instant.parse("2026-01-02T03:04:05Z"), java.time.Instant.parse("2026-01-02T03:05:05Z")),
                ProactiveMessage.of(meta(), USER, "s-0", "your report is ready"),
                InboundCancel.of(meta(), USER, "m-1"),
                InboundClose.of(meta(), USER),
                InboundClose.idle(meta(), USER),
                InboundDue.of(meta(), USER, "remind", data, java.time.Instant.parse("2026-01-02T03:04:05Z"), false),
                InboundConnected.of(meta(), "u1", "github"),
                InboundLinked.of(meta(), "telegram:support:42", USER));
    }

    /** Every event record of the contract: the leaves of {@link CapsuleEvent}'s sealed hierarchy. */
    public static Set<Class<?>> declaredTypes() {
        Set<Class<?>> leaves = new HashSet<>();
        collectLeaves(CapsuleEvent.class, leaves);
        return leaves;
    }

    private static void collectLeaves(Class<?> type, Set<Class<?>> into) {
        if (type.isRecord()) {
            into.add(type);
            return;
        }
        for (Class<?> sub : type.getPermittedSubclasses()) {
            collectLeaves(sub, into);
        }
    }

    public static EventMeta meta() {
        return EventMeta.next("s-1", TRACE);
    }
}
