package dev.capsule.session.inbound;

import dev.capsule.events.Topics;
import dev.capsule.session.state.OwnedSessions;
import dev.capsule.session.state.PartitionFence;
import dev.capsule.session.turn.TurnRunner;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Hears the inbound consumer's partition moves: whenever they change, the in-memory session
 * state is dropped ({@link OwnedSessions}), since a partition that comes back may have been
 * handled by another replica meanwhile, the {@link PartitionFence} learns which sessions this
 * replica may still act for, and the turns of the partitions it lost are cut short. Named in application.properties
 * ({@code consumer-rebalance-listener.name}).
 */
@ApplicationScoped
@Identifier(InboundRebalance.NAME)
public class InboundRebalance implements KafkaConsumerRebalanceListener {

    static final String NAME = "session-service.inbound-rebalance";
    private static final Logger LOG = Logger.getLogger(InboundRebalance.class);

    private final OwnedSessions owned;
    private final PartitionFence fence;
    private final TurnRunner turns;

    InboundRebalance(OwnedSessions owned, PartitionFence fence, TurnRunner turns) {
        this.owned = owned;
        this.fence = fence;
        this.turns = turns;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        fence.assigned(partitions, consumer.partitionsFor(Topics.INBOUND).size());
        if (!partitions.isEmpty()) {
            LOG.infof("inbound partitions assigned: %s", partitions);
            owned.forgetAll("partitions assigned");
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        fence.released(partitions);
        if (!partitions.isEmpty()) {
            LOG.infof("inbound partitions revoked: %s", partitions);
            owned.forgetAll("partitions revoked");
            turns.stopTurnsWithoutLease();
        }
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        fence.released(partitions);
        LOG.warnf("inbound partitions lost (this replica missed the group's deadline): %s", partitions);
        owned.forgetAll("partitions lost");
        turns.stopTurnsWithoutLease();
    }
}
