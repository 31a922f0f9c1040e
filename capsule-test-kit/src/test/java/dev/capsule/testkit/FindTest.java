package dev.capsule.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.db.Collection;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.Page;
import dev.capsule.sdk.db.Query;
import dev.capsule.sdk.db.Query.Direction;
import dev.capsule.sdk.db.Query.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FindTest {

    private Collection tasks;

    /** Inserted a to e, so e is the newest. */
    @BeforeEach
    void fiveTasks() {
        tasks = new TestDb().owner("ana").collection("tasks");
        tasks.insert(task("a").put("priority", 1).put("done", false).put("tag", "x"));
        tasks.insert(task("b").put("priority", 3).put("done", true));
        tasks.insert(task("c").put("priority", 2.0).put("done", false).put("tag", "y"));
        tasks.insert(task("d").put("priority", "high").put("done", "no"));
        tasks.insert(task("e"));
    }

    @Test
    void withoutAnOrderTheNewestComeFirst() {
        assertEquals(List.of("e", "d", "c", "b", "a"), titles(Query.all()));
        assertEquals(List.of("a", "b", "c", "d", "e"), titles(Query.all().newestFirst(false)));
    }

    @Test
    void numberFiltersCompareNumberFieldsAsNumbers() {
        assertEquals(List.of("c", "b"), titles(Query.all().where("priority", Op.GTE, 2)));
        assertEquals(List.of("c"), titles(Query.all().where("priority", Op.EQ, 2)));
        assertEquals(List.of("a"), titles(Query.all().where("priority", Op.LT, 1.5)));
        assertEquals(List.of("c", "a"), titles(Query.all().where("priority", Op.LTE, 2)));
        assertEquals(List.of("b"), titles(Query.all().where("priority", Op.GT, 2)));
        // Neither the string "high" nor a missing priority is a number that differs from 1.
        assertEquals(List.of("c", "b"), titles(Query.all().where("priority", Op.NE, 1)));
    }

    @Test
    void stringFiltersCompareTheFieldsText() {
        assertEquals(List.of("e", "d"), titles(Query.all().where("title", Op.GT, "c")));
        assertEquals(List.of("b", "a"), titles(Query.all().where("title", Op.LTE, "b")));
        assertEquals(List.of("c"), titles(Query.all().where("tag", Op.NE, "x"))); // no tag: no match
        assertEquals(List.of("d"), titles(Query.all().where("priority", Op.EQ, "high")));
        assertEquals(List.of("b"), titles(Query.all().where("priority", Op.EQ, "3"))); // a number's text
    }

    @Test
    void booleanFiltersCompareJsonValues() {
        assertEquals(List.of("b"), titles(Query.all().where("done", Op.EQ, true)));
        // NE keeps every present value that is not true, the string "no" too, but not a missing one.
        assertEquals(List.of("d", "c", "a"), titles(Query.all().where("done", Op.NE, true)));
    }

    @Test
    void filtersCombine() {
        assertEquals(List.of("c"), titles(Query.all().where("done", Op.EQ, false).where("priority", Op.GT, 1)));
    }

    @Test
    void orderingByAFieldFollowsJsonbWithMissingValuesLast() {
        // jsonb orders strings before numbers; a document without the field comes last either way.
        assertEquals(List.of("d", "a", "c", "b", "e"), titles(Query.all().orderBy("priority", Direction.ASC)));
        assertEquals(List.of("b", "c", "a", "d", "e"), titles(Query.all().orderBy("priority", Direction.DESC)));
        assertEquals(List.of("a", "b", "c", "d", "e"), titles(Query.all().orderBy("title", Direction.ASC)));
    }

    @Test
    void equalValuesOrderById() {
        Collection same = new TestDb().owner("ana").collection("same");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(same.insert(task("t").put("rank", 1)).id());
        }
        List<String> ascending = ids.stream().sorted().toList();

        assertEquals(ascending, same.find(Query.all().orderBy("rank", Direction.ASC)).documents().stream().map(Document::id).toList());
        assertEquals(ascending.reversed(),
                same.find(Query.all().orderBy("rank", Direction.DESC)).documents().stream().map(Document::id).toList());
    }

    @Test
    void pagesByCreationVisitEveryDocumentOnceEvenWhenOthersArrive() {
        Page first = tasks.find(Query.all().limit(2));
        tasks.insert(task("f")); // newer than the first page: not part of its continuation

        Page second = tasks.find(Query.all().limit(2).after(first.nextCursor().orElseThrow()));
        Page third = tasks.find(Query.all().limit(2).after(second.nextCursor().orElseThrow()));

        assertEquals(List.of("e", "d"), titles(first));
        assertEquals(List.of("c", "b"), titles(second));
        assertEquals(List.of("a"), titles(third));
        assertTrue(third.nextCursor().isEmpty());
    }

    @Test
    void pagesByAFieldContinueWhereTheLastEnded() {
        Query byTitle = Query.all().orderBy("title", Direction.ASC).limit(2);
        Page first = tasks.find(byTitle);
        Page second = tasks.find(byTitle.after(first.nextCursor().orElseThrow()));
        Page third = tasks.find(byTitle.after(second.nextCursor().orElseThrow()));

        assertEquals(List.of("a", "b"), titles(first));
        assertEquals(List.of("c", "d"), titles(second));
        assertEquals(List.of("e"), titles(third));
        assertTrue(third.nextCursor().isEmpty());
    }

    @Test
    void aFullLastPageHasNoCursor() {
        Page all = tasks.find(Query.all().limit(5));
        assertEquals(5, all.documents().size());
        assertTrue(all.nextCursor().isEmpty());
    }

    @Test
    void aCursorFromAnotherOrderOrNowhereIsRefused() {
        String byCreation = tasks.find(Query.all().limit(1)).nextCursor().orElseThrow();
        String byTitle = tasks.find(Query.all().orderBy("title", Direction.ASC).limit(1)).nextCursor().orElseThrow();

        assertThrows(IllegalArgumentException.class, () -> tasks.find(Query.all().orderBy("title", Direction.ASC).after(byCreation)));
        assertThrows(IllegalArgumentException.class, () -> tasks.find(Query.all().after(byTitle)));
        assertThrows(IllegalArgumentException.class, () -> tasks.find(Query.all().after("not a cursor!")));
    }

    @Test
    void deletedDocumentsAreNotFound() {
        Document c = tasks.find(Query.all().where("title", Op.EQ, "c")).documents().get(0);
        tasks.delete(c.id(), c.version());
        assertEquals(List.of("e", "d", "b", "a"), titles(Query.all()));
    }

    private List<String> titles(Query query) {
        return titles(tasks.find(query));
    }

    private static List<String> titles(Page page) {
        return page.documents().stream().map(d -> d.fields().get("title").asText()).toList();
    }

    private static ObjectNode task(String title) {
        return JsonNodeFactory.instance.objectNode().put("title", title);
    }
}
