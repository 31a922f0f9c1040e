package dev.capsule.persistence.fold;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.persistence.fold.EventFolds.Write;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record of a polled batch, the event it holds, and what folding it writes. */
record PendingFold(ConsumerRecord<String, byte[]> record, CapsuleEvent event, Write write) {
}
