package dev.capsule.session.state;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capsule.events.InboundPosition;
import dev.capsule.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionFenceTest {

    final PartitionFence fence = new PartitionFence();

    @Test
    void aTurnsLeaseHoldsWhileItsRecordsPartitionIsAssignedAndNotAfter() {
        fence.assigned(List.of(new TopicPartition(Topics.INBOUND, 1), new TopicPartition(Topics.INBOUND, 2)), 4);
        PartitionFence.Lease lease = fence.lease("s-1", new InboundPosition(2, 17));
        assertDoesNotThrow(lease::check);

        fence.released(List.of(new TopicPartition(Topics.INBOUND, 2)));
        StaleSessionException refused = assertThrows(StaleSessionException.class, lease::check);
        assertTrue(refused.getMessage().contains("no longer holds partition 2"), refused.getMessage());
        assertTrue(fence.lease("s-1", new InboundPosition(1, 3)).held(), "the other partition is still this replica's");

        fence.assigned(List.of(new TopicPartition(Topics.INBOUND, 2)), 4);
        assertTrue(lease.held(), "a partition assigned again is held again");
    }

    @Test
    void withoutARecordTheSessionsPartitionIsTheOneKafkasPartitionerGivesItsId() {
        fence.assigned(List.of(new TopicPartition(Topics.INBOUND, 0)), 12);
        for (int i = 0; i < 200; i++) {
            String session = UUID.randomUUID().toString();
            int kafkas = BuiltInPartitioner.partitionForKey(session.getBytes(StandardCharsets.UTF_8), 12);
            assertEquals(kafkas, PartitionFence.partitionOf(session, 12), session);
            assertEquals(kafkas == 0, fence.lease(session, null).held(), session);
        }
    }

    @Test
    void otherTopicsAndAReplicaWithNoPartitionsHoldNothing() {
        assertFalse(fence.lease("s-1", null).held());
        fence.assigned(List.of(new TopicPartition("another", 0)), 1);
        assertFalse(fence.lease("s-1", new InboundPosition(0, 0)).held());
    }
}
