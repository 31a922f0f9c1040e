package dev.capsule.session.collections;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.Page;
import dev.capsule.sdk.db.Query;
import dev.capsule.session.state.StoreUnavailableException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Reads an owner's documents from PostgreSQL, the read model. Every query is bound to one
 * owner and one collection; filters and orders name document fields only as bound
 * parameters, never as SQL text. Called from turn threads (virtual threads).
 */
@ApplicationScoped
public class DocumentReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String GET = """
            SELECT id, version, deleted, data, created_at, updated_at FROM documents
            WHERE owner_id = $1 AND collection = $2 AND id = $3""";

    private final Pool pool;

    DocumentReader(Pool pool) {
        this.pool = pool;
    }

    /** A stored row: the document, or a tombstone of its version. */
    record Stored(Document document, boolean deleted) {
    }

    Optional<Stored> get(String ownerId, String collection, String id) {
        RowSet<Row> rows = StoreUnavailableException.readingPostgres("document " + id + " of collection " + collection,
                () -> pool.preparedQuery(GET).execute(Tuple.of(ownerId, collection, id)).await().atMost(TIMEOUT));
        return rows.size() == 0 ? Optional.empty() : Optional.of(new Stored(document(rows.iterator().next()),
                rows.iterator().next().getBoolean("deleted")));
    }

    Page find(String ownerId, String collection, Query query) {
        List<Object> args = new ArrayList<>(List.of(ownerId, collection));
        StringBuilder sql = new StringBuilder(
                "SELECT id, version, deleted, data, created_at, updated_at FROM documents "
                        + "WHERE owner_id = $1 AND collection = $2 AND NOT deleted");
        for (Query.Filter f : query.filters()) {
            args.add(f.field());
            String field = "$" + args.size();
            args.add(f.value() instanceof Number n ? new java.math.BigDecimal(n.toString()) : f.value());
            String value = "$" + args.size();
            sql.append(" AND ").append(switch (f.value()) {
                case String s -> "data->>" + field + " " + sqlOp(f.op()) + " " + value;
                case Boolean b -> "data->" + field + " " + sqlOp(f.op()) + " to_jsonb(" + value + "::boolean)";
                default -> "jsonb_typeof(data->" + field + ") = 'number' AND (data->>" + field + ")::numeric "
                        + sqlOp(f.op()) + " " + value;
            });
        }
        String dir = query.direction() == Query.Direction.DESC ? "DESC" : "ASC";
        long offset = 0;
        if (query.orderField().isPresent()) {
            // Any JSON value orders (numbers numerically, strings by text); pages continue by offset.
            args.add(query.orderField().get());
            sql.append(" ORDER BY data->$").append(args.size()).append(' ').append(dir).append(" NULLS LAST, id ").append(dir);
            offset = query.cursor().map(DocumentReader::offsetOf).orElse(0L);
        } else {
            query.cursor().ifPresent(c -> {
                Keyset k = keysetOf(c);
                args.add(k.createdAt());
                args.add(k.id());
                sql.append(" AND (created_at, id) ").append(dir.equals("DESC") ? "<" : ">")
                        .append(" ($").append(args.size() - 1).append(", $").append(args.size()).append(')');
            });
            sql.append(" ORDER BY created_at ").append(dir).append(", id ").append(dir);
        }
        args.add(query.limit() + 1);
        sql.append(" LIMIT $").append(args.size());
        args.add(offset);
        sql.append(" OFFSET $").append(args.size());

        RowSet<Row> rows = StoreUnavailableException.readingPostgres("a query of collection " + collection,
                () -> pool.preparedQuery(sql.toString()).execute(Tuple.from(args)).await().atMost(TIMEOUT));
        List<Document> documents = new ArrayList<>();
        for (Row row : rows) {
            documents.add(document(row));
        }
        Optional<String> next = Optional.empty();
        if (documents.size() > query.limit()) {
            documents = documents.subList(0, query.limit());
            Document last = documents.get(documents.size() - 1);
            next = Optional.of(query.orderField().isPresent()
                    ? encode("o|" + (offset + query.limit()))
                    : encode("t|" + last.createdAt() + "|" + last.id()));
        }
        return new Page(documents, next);
    }

    private static String sqlOp(Query.Op op) {
        return switch (op) {
            case EQ -> "=";
            case NE -> "<>";
            case LT -> "<";
            case LTE -> "<=";
            case GT -> ">";
            case GTE -> ">=";
        };
    }

    private record Keyset(OffsetDateTime createdAt, String id) {
    }

    private static Keyset keysetOf(String cursor) {
        String[] parts = decode(cursor).split("\\|", 3);
        if (parts.length != 3 || !parts[0].equals("t")) {
            throw badCursor();
        }
        try {
            return new Keyset(java.time.Instant.parse(parts[1]).atOffset(java.time.ZoneOffset.UTC), parts[2]);
        } catch (java.time.format.DateTimeParseException e) {
            throw badCursor();
        }
    }

    private static long offsetOf(String cursor) {
        String[] parts = decode(cursor).split("\\|", 2);
        try {
            if (parts.length == 2 && parts[0].equals("o")) {
                return Long.parseLong(parts[1]);
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw badCursor();
    }

    private static String encode(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    private static IllegalArgumentException badCursor() {
        return new IllegalArgumentException("that cursor is not one a page of this query gave out: "
                + "pass Page.nextCursor() of the same query, with the same order");
    }

    private static Document document(Row row) {
        ObjectNode fields;
        try {
            fields = row.getJsonObject("data") == null ? EventCodec.mapper().createObjectNode()
                    : (ObjectNode) EventCodec.mapper().readTree(row.getJsonObject("data").encode());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("document " + row.getString("id") + " holds unreadable JSON", e);
        }
        return new Document(row.getString("id"), row.getLong("version"), row.getOffsetDateTime("created_at").toInstant(),
                row.getOffsetDateTime("updated_at").toInstant(), fields);
    }
}
