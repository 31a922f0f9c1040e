package dev.capsule.session.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.capsule.events.HistoryLine;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which lines a save sends: those a turn added to the window it started from, or none to say "the whole window". */
class SessionStoreWindowTest {

    private static final List<HistoryLine> LINES = IntStream.range(0, 10)
            .mapToObj(n -> new HistoryLine("id-" + n, n % 2 == 0 ? "user" : "app", "text " + n, Instant.EPOCH.plusSeconds(n)))
            .toList();

    @Test
    void linesAddedToTheWindowAreSent() {
        assertEquals(lines(3, 5), SessionStore.added(lines(0, 3), lines(0, 5)));
    }

    @Test
    void linesAddedWhileTheOldestLeaveAreSent() {
        assertEquals(lines(5, 7), SessionStore.added(lines(0, 5), lines(2, 7)));
    }

    @Test
    void aWindowThatDidNotChangeSendsNothing() {
        assertEquals(List.of(), SessionStore.added(lines(0, 4), lines(0, 4)));
    }

    @Test
    void aFirstWindowGoesWhole() {
        assertNull(SessionStore.added(List.of(), lines(0, 2)), "every line is new, and Redis holds no window to add to");
    }

    @Test
    void aWindowThatLostEveryLineItStartedWithGoesWhole() {
        assertNull(SessionStore.added(lines(0, 3), lines(3, 6)));
    }

    @Test
    void aWindowThatIsNotTheOldOneWithLinesAddedGoesWhole() {
        assertNull(SessionStore.added(lines(0, 4), List.of(LINES.get(0), LINES.get(2), LINES.get(3), LINES.get(4))),
                "a line gone from the middle");
        assertNull(SessionStore.added(lines(2, 4), lines(0, 6)), "lines put before the oldest");
        assertNull(SessionStore.added(lines(0, 4), lines(0, 3)), "the newest line gone");
        assertNull(SessionStore.added(lines(0, 4), List.of()), "emptied");
    }

    private static List<HistoryLine> lines(int from, int to) {
        return LINES.subList(from, to);
    }
}
