package dev.capsule.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capsule.sdk.db.Document;
import dev.capsule.sdk.db.Page;
import dev.capsule.sdk.db.Query;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of {@code Collection.find}, as the runtime's read model answers it: the documents
 * that pass every filter; ordered by a field (a document without it last, in either direction;
 * ties by id) or else by creation time (ties by id), newest first unless asked otherwise;
 * {@code limit} documents a page.
 */
final class Find {

    private Find() {
    }

    static Page page(List<Document> documents, Query query) {
        List<Document> found = documents.stream()
                .filter(d -> query.filters().stream().allMatch(f -> JsonValues.matches(d.fields(), f)))
                .toList();
        return query.orderField().map(field -> byField(found, field, query)).orElseGet(() -> byCreation(found, query));
    }

    /** Pages continue by offset, as the runtime's do for this order. */
    private static Page byField(List<Document> found, String field, Query query) {
        Comparator<JsonNode> values = directed(query, JsonValues::compare);
        Comparator<Document> order = Comparator.comparing((Document d) -> d.fields().get(field), Comparator.nullsLast(values))
                .thenComparing(Document::id, directed(query, Comparator.<String>naturalOrder()));
        long offset = query.cursor().map(Cursors::offset).orElse(0L);
        List<Document> rest = found.stream().sorted(order).skip(offset).toList();
        return pageOf(rest, query.limit(), last -> Cursors.ofOffset(offset + query.limit()));
    }

    /** Pages continue after the last document's creation time and id. */
    private static Page byCreation(List<Document> found, Query query) {
        Comparator<Document> order = directed(query, Comparator.comparing(Document::createdAt).thenComparing(Document::id));
        Optional<Cursors.Keyset> after = query.cursor().map(Cursors::keyset);
        List<Document> rest = found.stream()
                .filter(d -> after.map(k -> comesAfter(d, k, query)).orElse(true))
                .sorted(order)
                .toList();
        return pageOf(rest, query.limit(), last -> Cursors.ofKeyset(last.createdAt(), last.id()));
    }

    private static boolean comesAfter(Document d, Cursors.Keyset after, Query query) {
        int c = d.createdAt().compareTo(after.createdAt());
        c = c != 0 ? c : d.id().compareTo(after.id());
        return query.direction() == Query.Direction.DESC ? c < 0 : c > 0;
    }

    /** The first {@code limit} of {@code rest}, and a cursor when more follow. */
    private static Page pageOf(List<Document> rest, int limit, Function<Document, String> cursorAfter) {
        List<Document> page = rest.subList(0, Math.min(limit, rest.size()));
        return new Page(page, rest.size() > limit ? Optional.of(cursorAfter.apply(page.get(page.size() - 1))) : Optional.empty());
    }

    private static <T> Comparator<T> directed(Query query, Comparator<T> ascending) {
        return query.direction() == Query.Direction.DESC ? ascending.reversed() : ascending;
    }
}
