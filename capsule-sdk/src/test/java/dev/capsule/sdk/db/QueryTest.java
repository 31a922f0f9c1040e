package dev.capsule.sdk.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryTest {

    @Test
    void filtersOnValuesThatCannotBeComparedAreRefusedNamingTheType() {
        IllegalArgumentException object = assertThrows(IllegalArgumentException.class,
                () -> Query.all().where("tags", Query.Op.EQ, List.of("a")));
        assertTrue(object.getMessage().contains("cannot filter tags on"), object.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Query.all().where("owner", Query.Op.EQ, null));
        assertTrue(none.getMessage().contains("on null"), none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Query.all().where("m", Query.Op.EQ, Map.of()));
    }

    @Test
    void booleansCompareForEqualityOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Query.all().where("done", Query.Op.GT, true));
        assertTrue(e.getMessage().contains("EQ or NE"), e.getMessage());
    }

    @Test
    void fieldNamesAreIdentifiersAndPagesHoldOneTo200() {
        assertThrows(IllegalArgumentException.class, () -> Query.all().where("a.b", Query.Op.EQ, 1));
        assertThrows(IllegalArgumentException.class, () -> Query.all().orderBy("x'; drop", Query.Direction.ASC));
        assertThrows(IllegalArgumentException.class, () -> Query.all().limit(0));
        assertThrows(IllegalArgumentException.class, () -> Query.all().limit(201));
    }

    @Test
    void aQueryIsImmutable() {
        Query base = Query.all();
        Query narrowed = base.where("status", Query.Op.EQ, "open").limit(5);
        assertEquals(0, base.filters().size());
        assertEquals(20, base.limit());
        assertEquals(1, narrowed.filters().size());
        assertEquals(5, narrowed.limit());
    }
}
