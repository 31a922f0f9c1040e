package dev.capsule.sdk.db;

/**
 * An update or delete named a version that is no longer the document's: someone changed it
 * since it was read. Read it again, decide, and retry with the new version.
 */
public class ConflictException extends RuntimeException {

    private final long currentVersion;

    public ConflictException(String collection, String id, long expected, long current) {
        super("document " + id + " of collection " + collection + " is at version " + current + ", not " + expected
                + ": it changed since it was read; read it again and retry with its new version");
        this.currentVersion = current;
    }

    /** The document's version now (0 when it no longer exists). */
    public long currentVersion() {
        return currentVersion;
    }
}
