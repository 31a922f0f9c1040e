package dev.capsule.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.sdk.db.Query;
import java.math.BigDecimal;

/**
 * How the read model compares a document's field: the SQL the runtime runs on PostgreSQL's
 * {@code jsonb}, written out in Java, so that a query finds in a test what it finds in production.
 * <ul>
 *   <li>A string filter compares the field's text ({@code data->>field}): a number or a boolean
 *       field compares as its JSON text, a missing or null field matches nothing.</li>
 *   <li>A number filter matches number fields only, compared as numbers.</li>
 *   <li>A boolean filter compares JSON values: NE matches every present field that is not that
 *       boolean (a string, a number, null), but not a missing one.</li>
 *   <li>Ordering follows {@code jsonb}: null &lt; strings &lt; numbers &lt; booleans &lt; arrays &lt; objects.</li>
 * </ul>
 * Strings compare by code point, which is PostgreSQL's order under the C collation; a database
 * with another collation may order some letters (case, accents) differently.
 */
final class JsonValues {

    private JsonValues() {
    }

    static boolean matches(ObjectNode fields, Query.Filter filter) {
        JsonNode field = fields.get(filter.field());
        if (field == null) {
            return false; // SQL NULL: no comparison holds, not even NE
        }
        return switch (filter.value()) {
            case String s -> !field.isNull() && holds(filter.op(), textOf(field).compareTo(s));
            case Boolean b -> (field.isBoolean() && field.booleanValue() == b) == (filter.op() == Query.Op.EQ);
            case Number n -> field.isNumber() && holds(filter.op(), field.decimalValue().compareTo(new BigDecimal(n.toString())));
            default -> throw new IllegalArgumentException("a filter compares a string, a number or a boolean, not " + filter.value());
        };
    }

    /** Orders two present values as {@code jsonb} does. */
    static int compare(JsonNode a, JsonNode b) {
        int byType = Integer.compare(rank(a), rank(b));
        if (byType != 0) {
            return byType;
        }
        if (a.isTextual()) {
            return a.textValue().compareTo(b.textValue());
        }
        if (a.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        if (a.isBoolean()) {
            return Boolean.compare(a.booleanValue(), b.booleanValue());
        }
        if (a.isContainerNode()) {
            // jsonb puts the larger container last; beyond that, a test ordering by a whole object is
            // not worth jsonb's key-by-key rules, so equal sizes order by their JSON text.
            int bySize = Integer.compare(a.size(), b.size());
            return bySize != 0 ? bySize : a.toString().compareTo(b.toString());
        }
        return 0; // both null
    }

    private static int rank(JsonNode v) {
        if (v.isNull()) {
            return 0;
        }
        if (v.isTextual()) {
            return 1;
        }
        if (v.isNumber()) {
            return 2;
        }
        if (v.isBoolean()) {
            return 3;
        }
        return v.isArray() ? 4 : 5;
    }

    private static String textOf(JsonNode field) {
        return field.isValueNode() ? field.asText() : field.toString();
    }

    private static boolean holds(Query.Op op, int comparison) {
        return switch (op) {
            case EQ -> comparison == 0;
            case NE -> comparison != 0;
            case LT -> comparison < 0;
            case LTE -> comparison <= 0;
            case GT -> comparison > 0;
            case GTE -> comparison >= 0;
        };
    }
}
