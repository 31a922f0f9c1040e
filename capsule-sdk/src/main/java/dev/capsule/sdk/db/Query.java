package dev.capsule.sdk.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@link Collection#find} looks for: equality and range filters on top-level fields
 * (strings, numbers, booleans), an order, a page size and where to continue.
 *
 * <pre>{@code
 * Query.all().where("status", Op.EQ, "open").where("priority", Op.GTE, 2)
 *      .orderBy("priority", Direction.DESC).limit(20)
 * }</pre>
 *
 * Without {@code orderBy}, documents come newest first. Immutable: each method returns a new query.
 */
public final class Query {

    /** How a filter compares the field with its value. */
    public enum Op { EQ, NE, LT, LTE, GT, GTE }

    /** Ascending or descending. */
    public enum Direction { ASC, DESC }

    /** One filter: {@code field op value}. */
    public record Filter(String field, Op op, Object value) {
    }

    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    public static final int MAX_LIMIT = 200;

    private final List<Filter> filters;
    private final String orderField;
    private final Direction direction;
    private final int limit;
    private final String after;

    private Query(List<Filter> filters, String orderField, Direction direction, int limit, String after) {
        this.filters = List.copyOf(filters);
        this.orderField = orderField;
        this.direction = direction;
        this.limit = limit;
        this.after = after;
    }

    /** Every document, newest first, 20 a page. */
    public static Query all() {
        return new Query(List.of(), null, Direction.DESC, 20, null);
    }

    /**
     * Keeps documents whose top-level {@code field} compares to {@code value} by {@code op}.
     *
     * @throws IllegalArgumentException for a field name that is not a plain identifier, or a
     *                                  value that is not a string, number or boolean (objects,
     *                                  arrays and null cannot be compared)
     */
    public Query where(String field, Op op, Object value) {
        requireField(field);
        Objects.requireNonNull(op, "op");
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            throw new IllegalArgumentException("cannot filter " + field + " on " + (value == null ? "null"
                    : value.getClass().getSimpleName()) + ": filters take a string, a number or a boolean");
        }
        if (value instanceof Boolean && op != Op.EQ && op != Op.NE) {
            throw new IllegalArgumentException("booleans compare with EQ or NE only, not " + op);
        }
        List<Filter> more = new ArrayList<>(filters);
        more.add(new Filter(field, op, value));
        return new Query(more, orderField, direction, limit, after);
    }

    /** Orders by a top-level field (strings or numbers), then by id; without it, newest first. */
    public Query orderBy(String field, Direction direction) {
        requireField(field);
        return new Query(filters, field, Objects.requireNonNull(direction, "direction"), limit, after);
    }

    /** Orders by creation time. */
    public Query newestFirst(boolean newestFirst) {
        return new Query(filters, null, newestFirst ? Direction.DESC : Direction.ASC, limit, after);
    }

    /** At most {@code limit} documents a page, 1 to {@value #MAX_LIMIT}. */
    public Query limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("a page holds 1 to " + MAX_LIMIT + " documents, not " + limit);
        }
        return new Query(filters, orderField, direction, limit, after);
    }

    /** Continues after the page whose {@link Page#nextCursor()} this is. */
    public Query after(String cursor) {
        return new Query(filters, orderField, direction, limit, Objects.requireNonNull(cursor, "cursor"));
    }

    public List<Filter> filters() {
        return filters;
    }

    /** The field to order by; empty means creation time. */
    public Optional<String> orderField() {
        return Optional.ofNullable(orderField);
    }

    public Direction direction() {
        return direction;
    }

    public int limit() {
        return limit;
    }

    public Optional<String> cursor() {
        return Optional.ofNullable(after);
    }

    private static void requireField(String field) {
        if (field == null || !FIELD.matcher(field).matches()) {
            throw new IllegalArgumentException("'" + field + "' is not a field name this query can use: "
                    + "a letter or '_', then letters, digits or '_', at most 64");
        }
    }
}
