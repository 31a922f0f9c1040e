package dev.capsule.sdk.db;

import java.util.List;
import java.util.Optional;

/**
 * One page of a {@link Collection#find} result.
 *
 * @param documents  the documents of this page, in the query's order
 * @param nextCursor pass to {@link Query#after(String)} for the next page; empty on the last page
 */
public record Page(List<Document> documents, Optional<String> nextCursor) {

    public Page {
        documents = List.copyOf(documents);
    }
}
