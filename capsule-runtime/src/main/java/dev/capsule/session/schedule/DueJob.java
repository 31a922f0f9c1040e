package dev.capsule.session.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundDue;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.kafka.EventPublisher;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/**
 * Fires one job a session scheduled: sends {@link InboundDue} on {@code capsule.inbound}, keyed by
 * the session, whose replica runs the app's {@code onScheduled} on the session's lane. The event's id
 * is derived from the job, so that a fire repeated after a crash (Quartz recovers a job whose replica
 * died while firing it) is dropped there as a redelivery. When Kafka does not take it, the job fires
 * again a few seconds later rather than being lost.
 */
@ApplicationScoped
@Unremovable
public class DueJob implements Job {

    private static final Logger LOG = Logger.getLogger(DueJob.class);

    private final EventPublisher publisher;

    DueJob(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** What the job needs when it fires; strings only, which any Quartz store keeps. */
    static JobDataMap data(String sessionId, UserRef user, JobRequest job) {
        JobDataMap data = new JobDataMap();
        data.put("sessionId", sessionId);
        data.put("userId", user.id());
        data.put("ownerId", user.ownerId());
        data.put("name", job.name());
        data.put("payload", job.payload().toString());
        data.put("dueAt", job.dueAt().toString());
        return data;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        JobDataMap data = context.getMergedJobDataMap();
        String sessionId = data.getString("sessionId");
        String key = context.getJobDetail().getKey().getName();
        InboundDue due;
        try {
            due = InboundDue.of(EventMeta.derived(sessionId, TraceContext.NONE, "due/" + key),
                    new UserRef(data.getString("userId"), null, data.getString("ownerId")), data.getString("name"),
                    (ObjectNode) EventCodec.mapper().readTree(data.getString("payload")), Instant.parse(data.getString("dueAt")),
                    false);
        } catch (JsonProcessingException | RuntimeException e) {
            // Nothing can make this job readable: say so, and let it go.
            LOG.errorf(e, "session %s: job %s is unreadable and is dropped", sessionId, key);
            return;
        }
        Retries.publishOrRetry(context, publisher, Topics.INBOUND, new JobDataMap(), List.of(due));
    }
}
