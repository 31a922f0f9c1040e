package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.Session;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Jobs a handler schedules: kept when the turn succeeds, run through onScheduled by runScheduled. */
class ScheduledJobsTest {

    /** "/remind <text>" schedules it a minute on; "/fail <text>" schedules it and fails; a due job is said. */
    static final class RemindApp implements CapsuleApp {
        @Override
        public void onMessage(Session session, Message message) {
            String[] parts = message.text().split(" ", 2);
            session.schedule("remind", Duration.ofMinutes(1), JsonNodeFactory.instance.objectNode().put("text", parts[1]));
            if (parts[0].equals("/fail")) {
                throw new IllegalStateException("failed after scheduling");
            }
            session.reply("later: " + parts[1]);
        }

        @Override
        public void onScheduled(Session session, ScheduledJob job) {
            session.reply(job.payload().path("text").asText() + " (current: "
                    + Capsule.currentSession().map(Session::id).orElse("none") + ")");
        }
    }

    @Test
    void aSucceededTurnsJobRunsThroughOnScheduledWithTheSessionCurrentAndAFailedTurnsJobIsDropped() {
        TestSession session = TestSession.of("s1");
        RemindApp app = new RemindApp();
        session.send(app, "/remind tea");
        assertThrows(TurnFailedException.class, () -> session.send(app, "/fail lost"));

        assertEquals(List.of("remind"), session.scheduled().stream().map(ScheduledJob::name).toList());
        assertEquals(List.of(new TurnEvent.Reply("tea (current: s1)")), session.runScheduled(app));
        assertTrue(session.scheduled().isEmpty(), "a job runs once");
        assertEquals("tea (current: s1)", session.history().recent().getLast().text(), "the history keeps what it said");
    }

    @Test
    void aBadJobIsRefusedWhenTheHandlerAsksForIt() {
        TestSession session = TestSession.of("s1");
        CapsuleApp app = (s, m) -> s.schedule(" ", Duration.ZERO, null);
        TurnFailedException failed = assertThrows(TurnFailedException.class, () -> session.send(app, "go"));
        assertTrue(failed.getCause().getMessage().contains("1 to 100 characters"), failed.getCause().getMessage());
    }
}
