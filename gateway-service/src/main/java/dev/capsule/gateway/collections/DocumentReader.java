package dev.capsule.gateway.collections;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.gateway.inbound.MessageIntake.Rejection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Reads owner-scoped documents from PostgreSQL, the read model persistence-service folds the
 * collection changes into. Every query takes the owner as its first parameter, so that no
 * caller can read a document without naming whose it is; tombstones are never answered.
 */
@ApplicationScoped
public class DocumentReader {

    // (created_at, id) is unique per owner and collection, so the row comparison resumes exactly
    // after the cursor's document, and the partial index serves it backwards.
    private static final String FIRST_PAGE = """
            SELECT id, version, created_at, updated_at, data::text AS data FROM documents
            WHERE owner_id = $1 AND collection = $2 AND NOT deleted
            ORDER BY created_at DESC, id DESC LIMIT $3""";
    private static final String NEXT_PAGE = """
            SELECT id, version, created_at, updated_at, data::text AS data FROM documents
            WHERE owner_id = $1 AND collection = $2 AND NOT deleted AND (created_at, id) < ($4, $5)
            ORDER BY created_at DESC, id DESC LIMIT $3""";
    private static final String ONE = """
            SELECT id, version, created_at, updated_at, data::text AS data FROM documents
            WHERE owner_id = $1 AND collection = $2 AND id = $3 AND NOT deleted""";

    private final Pool pool;

    DocumentReader(Pool pool) {
        this.pool = pool;
    }

    /** A page of the owner's documents, newest first; {@code cursor} is null for the first page. */
    public Uni<ObjectNode> page(String ownerId, String collection, int limit, String cursor) {
        // One row more than asked tells whether another page follows.
        Tuple args = Tuple.of(ownerId, collection, limit + 1);
        if (cursor != null) {
            Position after = Position.decode(cursor);
            args.addOffsetDateTime(after.createdAt().atOffset(ZoneOffset.UTC)).addString(after.id());
        }
        return pool.preparedQuery(cursor == null ? FIRST_PAGE : NEXT_PAGE).execute(args).map(rows -> {
            ObjectNode page = EventCodec.mapper().createObjectNode().put("collection", collection);
            ArrayNode documents = page.putArray("documents");
            Position last = null;
            for (Row row : rows) {
                if (documents.size() == limit) {
                    page.put("nextCursor", last.encode());
                    break;
                }
                documents.add(document(row));
                last = new Position(row.getOffsetDateTime("created_at").toInstant(), row.getString("id"));
            }
            return page;
        });
    }

    /** The owner's document, or a 404 that reads the same whether it never existed, was deleted or is another owner's. */
    public Uni<ObjectNode> one(String ownerId, String collection, String id) {
        return pool.preparedQuery(ONE).execute(Tuple.of(ownerId, collection, id)).map(rows -> {
            RowIterator<Row> it = rows.iterator();
            if (!it.hasNext()) {
                throw new Rejection(404, "no document \"" + id + "\" in collection \"" + collection + "\"");
            }
            return document(it.next());
        });
    }

    private static ObjectNode document(Row row) {
        ObjectNode document = EventCodec.mapper().createObjectNode()
                .put("id", row.getString("id"))
                .put("version", row.getLong("version"))
                .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
                .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
        // Read as text: Jackson parses it as it was stored, without a detour through Vert.x's JsonObject.
        String data = row.getString("data");
        try {
            document.set("data", data == null ? NullNode.getInstance() : EventCodec.mapper().readTree(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("document " + row.getString("id") + " holds data PostgreSQL should not have accepted", e);
        }
        return document;
    }

    /**
     * Where a page ended: the last document's creation time (microseconds, as PostgreSQL keeps
     * it) and id. The cursor is its base64url text, opaque to callers and checked when it comes back.
     */
    record Position(Instant createdAt, String id) {

        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                // An instant never holds '|', so the first one ends it, whatever the id holds.
                int bar = text.indexOf('|');
                if (bar > 0) {
                    return new Position(Instant.parse(text.substring(0, bar)), text.substring(bar + 1));
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                // Answered below, like a cursor without a separator.
            }
            throw new Rejection(400, "the cursor is not one this API gave: pass a page's nextCursor unchanged");
        }
    }
}
