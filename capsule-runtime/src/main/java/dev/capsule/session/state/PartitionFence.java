package dev.capsule.session.state;

import dev.capsule.events.InboundPosition;
import dev.capsule.events.Topics;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Which turns this replica may still act for: those whose record came from a {@code capsule.inbound}
 * partition its consumer holds. Every effect of a turn (an event, a collection write, a scheduled job, the
 * state change, the save) asks its {@link Lease} first, so a replica that lost a partition (a rebalance, or
 * a pause past the group's deadline) publishes nothing more for those sessions once its consumer has heard
 * of the loss; the version check of the save in Redis still catches what was already under way.
 */
@ApplicationScoped
public class PartitionFence {

    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private volatile int partitions;

    /** The consumer now holds {@code assigned} too; {@code count} is how many partitions the topic has. */
    public void assigned(Collection<TopicPartition> assigned, int count) {
        partitions = count;
        assigned.stream().filter(p -> p.topic().equals(Topics.INBOUND)).forEach(p -> held.add(p.partition()));
    }

    /** The consumer no longer holds {@code released} (revoked or lost). */
    public void released(Collection<TopicPartition> released) {
        released.stream().filter(p -> p.topic().equals(Topics.INBOUND)).forEach(p -> held.remove(p.partition()));
    }

    /**
     * The fence of one turn: the partition its record came from ({@code position}), or, when that is not known,
     * the one Kafka's default partitioner gives the session's id. The record's own partition is the right one
     * even while a topic grows partitions and ids hash anew.
     */
    public Lease lease(String sessionId, InboundPosition position) {
        int count = partitions;
        return new Lease(sessionId, position != null ? position.partition() : count > 0 ? partitionOf(sessionId, count) : -1);
    }

    /** A turn's right to act for its session: good while this replica holds the partition it was taken from. */
    public final class Lease {

        private final String sessionId;
        private final int partition;

        private Lease(String sessionId, int partition) {
            this.sessionId = sessionId;
            this.partition = partition;
        }

        /** Whether this replica still holds the partition. */
        public boolean held() {
            return held.contains(partition);
        }

        /**
         * Lets the effect go on, or refuses it when this replica no longer holds the partition.
         *
         * @throws StaleSessionException when another replica has the session now
         */
        public void check() {
            if (!held()) {
                throw new StaleSessionException("session " + sessionId + ": this replica no longer holds partition " + partition
                        + " of " + Topics.INBOUND + "; another replica goes on with it, and this turn's effects stop here");
            }
        }
    }

    static int partitionOf(String sessionId, int count) {
        return Utils.toPositive(Utils.murmur2(sessionId.getBytes(StandardCharsets.UTF_8))) % count;
    }
}
