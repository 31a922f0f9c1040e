package dev.capsule.session.inbound;

import dev.capsule.events.InboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Messages of one session waiting, under the coalesce policy, for the running turn to end.
 * Messages join until the batch's own turn starts; after that a new batch begins. A button press
 * stands alone: it answers one card, and joined to typed words the handler could no longer tell
 * it was pressed, so neither does it join a batch nor does anything join the batch it began.
 */
final class PendingBatch {

    /** Completes when the batch's turn is done: every message in it was answered. */
    final CompletableFuture<Void> answered = new CompletableFuture<>();

    private final List<InboundMessage> messages = new ArrayList<>();
    private boolean started;

    PendingBatch(InboundMessage first) {
        messages.add(first);
    }

    /** Adds {@code message} unless the batch's turn has started, or either is a press; then the caller starts a new batch. */
    synchronized boolean tryAdd(InboundMessage message) {
        if (started || message.action() != null || messages.getFirst().action() != null) {
            return false;
        }
        messages.add(message);
        return true;
    }

    /** How many messages have joined the batch so far. */
    synchronized int size() {
        return messages.size();
    }

    /** Closes the batch to newcomers and returns its messages, in arrival order. */
    synchronized List<InboundMessage> start() {
        started = true;
        return List.copyOf(messages);
    }
}
