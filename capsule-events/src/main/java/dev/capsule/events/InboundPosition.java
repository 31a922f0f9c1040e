package dev.capsule.events;

/**
 * Where an inbound record sits in {@link Topics#INBOUND}: its partition and offset. A session's state keeps
 * the position of the last message it handled; a partition is read in order, so a record of the same
 * partition at or below it is a redelivery, however many messages ago it was handled. Added in 1.8.
 *
 * @param partition the partition of {@code capsule.inbound}
 * @param offset    the record's offset in it
 */
public record InboundPosition(int partition, long offset) {

    /** Whether {@code record} was handled already by whoever reached this position: same partition, not later. */
    public boolean covers(InboundPosition record) {
        return record != null && record.partition == partition && record.offset <= offset;
    }
}
