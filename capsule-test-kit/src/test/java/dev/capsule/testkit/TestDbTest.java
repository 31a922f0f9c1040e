package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.User;
import dev.capsule.sdk.db.Collection;
import dev.capsule.sdk.db.ConflictException;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.DocumentTooLargeException;
import dev.capsule.sdk.db.Query;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TestDbTest {

    /** "/remember x" keeps a note; anything else counts the notes. */
    private static final CapsuleApp NOTES = (s, m) -> {
        Collection notes = s.db().collection("notes");
        if (m.text().startsWith("/remember ")) {
            notes.insert(fields("text", m.text().substring(10)));
            s.reply("noted");
        } else {
            s.reply(notes.find(Query.all()).documents().size() + " notes");
        }
    };

    @Test
    void sessionsSharingATestDbSeeTheirOwnOwnersDocumentsOnly() {
        TestDb db = new TestDb();
        TestSession ana = TestSession.of("s1").user("ana").db(db);
        TestSession bob = TestSession.of("s2").user("bob").db(db);
        TestSession anaElsewhere = TestSession.of("s3").user("ana").db(db);
        TestSession anasAssistant = TestSession.of("s4").user(new User("carl", null, "ana")).db(db);

        ana.send(NOTES, "/remember milk");

        assertEquals(List.of(new TurnEvent.Reply("0 notes")), bob.send(NOTES, "count"));
        assertEquals(List.of(new TurnEvent.Reply("1 notes")), anaElsewhere.send(NOTES, "count"));
        assertEquals(List.of(new TurnEvent.Reply("1 notes")), anasAssistant.send(NOTES, "count"));
        String id = db.owner("ana").collection("notes").find(Query.all()).documents().get(0).id();
        Collection bobsNotes = db.owner("bob").collection("notes");
        assertTrue(bobsNotes.get(id).isEmpty());
        assertThrows(NoSuchElementException.class, () -> bobsNotes.update(id, 1, fields("text", "mine now")));
        assertThrows(NoSuchElementException.class, () -> bobsNotes.delete(id, 1));
    }

    @Test
    void aCollectionNameIsHeldToTheRuntimesRule() {
        TestSession session = TestSession.of("s1").user("ana");
        for (String bad : List.of("Notes", "1notes", "", "notes!", "n".repeat(64))) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> session.db().collection(bad), bad);
            assertTrue(refused.getMessage().contains("is not a collection name"), refused.getMessage());
        }
        assertEquals("my-notes_2", session.db().collection("my-notes_2").name());
    }

    @Test
    void aSessionWithoutATestDbHasItsOwn() {
        TestSession one = TestSession.of("s1").user("ana");
        TestSession two = TestSession.of("s2").user("ana");
        one.send(NOTES, "/remember milk");
        assertEquals(List.of("0 notes"), two.send(NOTES, "count").stream().map(e -> ((TurnEvent.Reply) e).text()).toList());
    }

    @Test
    void versionsStartAtOneAndMoveOnByOne() {
        Collection notes = new TestDb().owner("ana").collection("notes");

        Document inserted = notes.insert(fields("text", "milk"));
        Document updated = notes.update(inserted.id(), 1, fields("text", "oat milk"));

        assertEquals(1, inserted.version());
        assertEquals(inserted.createdAt(), inserted.updatedAt());
        assertEquals(2, updated.version());
        assertEquals(inserted.createdAt(), updated.createdAt());
        assertTrue(updated.updatedAt().isAfter(inserted.updatedAt()));
        assertEquals(updated, notes.get(inserted.id()).orElseThrow());
        assertEquals("oat milk", notes.get(inserted.id()).orElseThrow().fields().get("text").asText());
    }

    @Test
    void aChangeNamingAVersionThatIsNoLongerCurrentConflicts() {
        Collection notes = new TestDb().owner("ana").collection("notes");
        String id = notes.insert(fields("text", "milk")).id();
        notes.update(id, 1, fields("text", "oat milk"));

        assertEquals(2, assertThrows(ConflictException.class, () -> notes.update(id, 1, fields("text", "x"))).currentVersion());
        assertEquals(2, assertThrows(ConflictException.class, () -> notes.delete(id, 1)).currentVersion());
        assertEquals("oat milk", notes.get(id).orElseThrow().fields().get("text").asText());

        notes.delete(id, 2);

        assertTrue(notes.get(id).isEmpty());
        assertEquals(0, assertThrows(ConflictException.class, () -> notes.update(id, 3, fields("text", "back"))).currentVersion());
        assertEquals(0, assertThrows(ConflictException.class, () -> notes.delete(id, 3)).currentVersion());
        assertThrows(NoSuchElementException.class, () -> notes.update("no-such-id", 1, fields("text", "x")));
        assertThrows(NoSuchElementException.class, () -> notes.delete("no-such-id", 1));
    }

    @Test
    void documentsOverTheSizeLimitAreRefused() {
        Collection notes = new TestDb(20).owner("ana").collection("notes");
        ObjectNode fits = fields("t", "x".repeat(12));  // {"t":"xxxxxxxxxxxx"} is 20 bytes
        String id = notes.insert(fits).id();

        assertThrows(DocumentTooLargeException.class, () -> notes.insert(fields("t", "x".repeat(13))));
        assertThrows(DocumentTooLargeException.class, () -> notes.update(id, 1, fields("t", "é".repeat(7))));
        assertEquals(1, notes.get(id).orElseThrow().version());
        assertThrows(IllegalArgumentException.class, () -> notes.insert(null));
    }

    @Test
    void theDefaultLimitIsTheRuntimes() {
        Collection notes = new TestDb().owner("ana").collection("notes");
        notes.insert(fields("t", "x".repeat(TestDb.DEFAULT_MAX_DOCUMENT_BYTES - 8)));
        assertThrows(DocumentTooLargeException.class, () -> notes.insert(fields("t", "x".repeat(TestDb.DEFAULT_MAX_DOCUMENT_BYTES - 7))));
    }

    @Test
    void collectionNamesFollowTheRuntimesRule() {
        var db = new TestDb().owner("ana");
        for (String bad : new String[] {"Notes", "1notes", "", "no spaces", "a".repeat(64), null}) {
            assertThrows(IllegalArgumentException.class, () -> db.collection(bad), bad);
        }
        assertEquals("a-b_1", db.collection("a-b_1").name());
        assertEquals("a".repeat(63), db.collection("a".repeat(63)).name());
    }

    @Test
    void documentsGoInAndComeOutAsCopies() {
        Collection notes = new TestDb().owner("ana").collection("notes");
        ObjectNode given = fields("text", "milk");
        Document inserted = notes.insert(given);

        given.put("text", "changed by the test");
        inserted.fields().put("text", "changed by the test");
        notes.get(inserted.id()).orElseThrow().fields().put("text", "changed by the test");

        assertEquals("milk", notes.get(inserted.id()).orElseThrow().fields().get("text").asText());
    }

    @Test
    void idsAreUuidsTheSameOnEveryRun() {
        String first = new TestDb().owner("ana").collection("notes").insert(fields("text", "a")).id();
        String again = new TestDb().owner("bob").collection("other").insert(fields("text", "b")).id();

        assertEquals(first, again);
        assertEquals(first, UUID.fromString(first).toString());
    }

    static ObjectNode fields(String key, String value) {
        return JsonNodeFactory.instance.objectNode().put(key, value);
    }
}
