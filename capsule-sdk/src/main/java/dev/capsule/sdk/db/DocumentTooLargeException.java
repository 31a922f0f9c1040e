package dev.capsule.sdk.db;

/** A document's JSON is larger than the deployment allows ({@code capsule.db.max-document-bytes}). */
public class DocumentTooLargeException extends RuntimeException {

    public DocumentTooLargeException(String collection, int bytes, int limit) {
        super("a document of " + bytes + " bytes cannot be stored in collection " + collection + ": the limit is "
                + limit + " bytes; store large content elsewhere and keep a reference");
    }
}
