package dev.capsule.bench.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How a step spreads its chat sessions over sockets: the gateway holds a bounded number of sockets for one user. */
class SocketsPerStepTest {

    @Test
    void twentySessionsToASocketUntilThatWouldTakeMoreSocketsThanTheCap() {
        assertEquals(20, CapsuleStep.sessionsPerSocket(1));
        assertEquals(20, CapsuleStep.sessionsPerSocket(800));
        assertEquals(21, CapsuleStep.sessionsPerSocket(801));
        assertEquals(50, CapsuleStep.sessionsPerSocket(2000), "the streams workload's step of 2,000 streams");
        for (int sessions : new int[] {1, 19, 20, 21, 799, 800, 801, 1000, 1999, 2000, 2001, 4000, 10_000, 123_457}) {
            int perSocket = CapsuleStep.sessionsPerSocket(sessions);
            int sockets = (sessions + perSocket - 1) / perSocket;
            assertTrue(sockets <= CapsuleStep.MAX_SOCKETS, sessions + " sessions took " + sockets + " sockets");
        }
    }
}
