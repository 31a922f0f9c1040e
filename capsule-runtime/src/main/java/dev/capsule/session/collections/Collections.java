package dev.capsule.session.collections;

import dev.capsule.events.TraceContext;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.session.state.PartitionFence;
import dev.capsule.sdk.db.Db;
import dev.capsule.session.readmodel.FoldPositions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** Hands each turn the {@link Db} of its session's owner. */
@ApplicationScoped
public class Collections {

    final EventPublisher publisher;
    final OwnerWrites ownerWrites;
    final DocumentVersions versions;
    final DocumentReader reader;
    final FoldPositions folds;
    final int maxDocumentBytes;

    Collections(EventPublisher publisher, OwnerWrites ownerWrites, DocumentVersions versions, DocumentReader reader,
                FoldPositions folds,
                CollectionsConfig config) {
        this.publisher = publisher;
        this.ownerWrites = ownerWrites;
        this.versions = versions;
        this.reader = reader;
        this.folds = folds;
        this.maxDocumentBytes = config.maxDocumentBytes();
    }

    /**
     * The collections of {@code ownerId} for the turn of message {@code turnId} of session
     * {@code sessionId}. The turn's writes are numbered, and their ids derived from the turn and
     * the number, so a turn that runs again after a crash repeats the same writes, not new ones.
     */
    public Db forTurn(String ownerId, String sessionId, TraceContext trace, String turnId, PartitionFence.Lease lease) {
        AtomicInteger writes = new AtomicInteger();
        return name -> new OwnerCollection(this, ownerId, sessionId, trace, lease, name,
                () -> turnId + "/write/" + writes.incrementAndGet());
    }
}
