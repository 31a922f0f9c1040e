package __PACKAGE__;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capsule.testkit.integration.CapsuleServers;
import dev.capsule.testkit.integration.TestChat;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Your app as it runs in production: the Capsule runtime and your handler against a real Kafka broker, Redis
 * and PostgreSQL, which {@link CapsuleServers} starts for the test run. {@link TestChat} plays the user.
 */
@QuarkusTest
@QuarkusTestResource(value = CapsuleServers.class, restrictToAnnotatedClass = false)
class __APP_CLASS__IT {

    TestChat chat;

    @BeforeEach
    void connect() {
        chat = TestChat.connect();
    }

    @AfterEach
    void close() {
        chat.close();
    }

    @Test
    void countsTheMessagesOfASessionAcrossTurns() {
        assertEquals("Hello from __ARTIFACT_ID__! You said \"hi\" (message 1 of this session).",
                chat.send("it-session", "ana", "hi").replies().get(0));
        assertEquals("Hello from __ARTIFACT_ID__! You said \"again\" (message 2 of this session).",
                chat.send("it-session", "ana", "again").replies().get(0));
    }

    @Test
    void streamsTheWholeAnswer() {
        assertEquals("This answer arrives one word at a time. ",
                chat.send("it-stream", "ana", "/stream").streams().get(0));
    }
}
