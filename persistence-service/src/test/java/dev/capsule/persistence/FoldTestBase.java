package dev.capsule.persistence;

import dev.capsule.events.UserRef;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** What every fold test has: a user, the event log to publish into, and the read model to look at. */
abstract class FoldTestBase {

    static final UserRef ADA = new UserRef("user-ada", "ada@example.com", "owner-ada");

    static EventLog log;

    @Inject
    Pool pool;

    @BeforeAll
    static void openLog() {
        log = new EventLog();
    }

    @AfterAll
    static void closeLog() {
        log.close();
    }
}
