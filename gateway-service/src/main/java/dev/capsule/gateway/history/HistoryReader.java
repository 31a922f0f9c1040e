package dev.capsule.gateway.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads history pages from PostgreSQL, the read model persistence-service folds the events
 * into. A turn's messages sort by when they were made, the user's message first.
 */
@ApplicationScoped
public class HistoryReader {

    private static final String PAGE = """
            SELECT event_id, role, kind, text, block, in_reply_to, seq, created_at
            FROM messages WHERE session_id = $1
            ORDER BY created_at, seq NULLS FIRST, position
            LIMIT $2 OFFSET $3""";

    private final Pool pool;

    HistoryReader(Pool pool) {
        this.pool = pool;
    }

    public Uni<ObjectNode> page(String sessionId, int limit, long offset) {
        return pool.preparedQuery(PAGE).execute(Tuple.of(sessionId, limit + 1, offset)).map(rows -> {
            ObjectNode page = EventCodec.mapper().createObjectNode().put("sessionId", sessionId);
            ArrayNode messages = page.putArray("messages");
            int n = 0;
            for (Row row : rows) {
                if (n++ == limit) {
                    break;
                }
                ObjectNode m = messages.addObject()
                        .put("id", row.getString("event_id"))
                        .put("role", row.getString("role"))
                        .put("kind", row.getString("kind"))
                        .put("text", row.getString("text"))
                        .put("at", row.getOffsetDateTime("created_at").toInstant().toString());
                String inReplyTo = row.getString("in_reply_to");
                if (inReplyTo != null) {
                    m.put("inReplyTo", inReplyTo); // the user's message an answer belongs to, which the order alone may not say
                }
                Long seq = row.getLong("seq");
                if (seq != null) {
                    m.put("seq", seq); // an app message's place among the session's outbound events, where a resume starts
                }
                Object block = row.getValue("block");
                if (block != null) {
                    m.set("block", EventCodec.mapper().valueToTree(row.getJsonObject("block").getMap()));
                }
            }
            if (n > limit) {
                page.put("nextOffset", offset + limit);
            }
            return page;
        });
    }

}
