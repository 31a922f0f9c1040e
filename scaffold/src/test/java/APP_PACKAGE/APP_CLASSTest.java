package __PACKAGE__;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.testkit.RecordedStream;
import dev.capsule.testkit.TestSession;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handler alone: a {@link TestSession} records what it does, with no server running. */
class __APP_CLASS__Test {

    final __APP_CLASS__ app = new __APP_CLASS__();

    @Test
    void welcomesOnceThenCountsTheSessionsMessages() {
        TestSession session = TestSession.of("s1").user("ana");

        session.send(app, "hi");
        session.send(app, "again");

        assertEquals(List.of("Welcome! Write anything, or /stream for a streamed answer."), session.notifies());
        assertEquals(List.of(
                "Hello from __ARTIFACT_ID__! You said \"hi\" (message 1 of this session).",
                "Hello from __ARTIFACT_ID__! You said \"again\" (message 2 of this session)."), session.replies());
        assertEquals(2, session.data().getInt("messages", 0));
    }

    @Test
    void streamsAnAnswerWordByWord() {
        TestSession session = TestSession.of("s2");

        session.send(app, "/stream");

        RecordedStream stream = session.streams().get(0);
        assertEquals("This answer arrives one word at a time. ", stream.text());
        assertEquals(8, stream.chunks().size());
        assertTrue(stream.ended());
    }
}
