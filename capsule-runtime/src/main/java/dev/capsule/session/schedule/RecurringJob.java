package dev.capsule.session.schedule;

import dev.capsule.events.EventCodec;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundDue;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.kafka.EventPublisher;
import io.quarkus.arc.Unremovable;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;

/**
 * One run of a {@code @Recurring} job: for every owner, an {@link InboundDue} into the owner's most
 * recently active session, which that session's replica runs on its lane. Quartz fires a run on one
 * replica; each event's id is derived from the job, the run's due time and the session, so a run
 * fired again (Quartz's recovery after a crash, or a retry after Kafka refused) reaches each session
 * once. Owners are read a page at a time, in the order of their ids.
 */
@ApplicationScoped
@Unremovable
@DisallowConcurrentExecution
public class RecurringJob implements Job {

    static final String DUE_AT = "dueAt";
    private static final Logger LOG = Logger.getLogger(RecurringJob.class);
    /** Each owner's latest session, owners after $1 in id order. */
    private static final String LATEST_PER_OWNER = """
            SELECT DISTINCT ON (owner_id) session_id, user_id, owner_id FROM sessions
            WHERE owner_id > $1 AND user_id IS NOT NULL
            ORDER BY owner_id, last_activity_at DESC NULLS LAST LIMIT $2""";
    private static final int PAGE = 500;

    private final Pool pool;
    private final EventPublisher publisher;

    RecurringJob(Pool pool, EventPublisher publisher) {
        this.pool = pool;
        this.publisher = publisher;
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        String name = context.getJobDetail().getKey().getName();
        Instant dueAt = dueAt(context);
        JobDataMap retry = new JobDataMap();
        retry.put(DUE_AT, dueAt.toString());
        String after = "";
        int sessions = 0;
        while (true) {
            List<Row> page = new ArrayList<>();
            pool.preparedQuery(LATEST_PER_OWNER).execute(Tuple.of(after, PAGE)).await().atMost(Duration.ofSeconds(30))
                    .forEach(page::add);
            if (page.isEmpty()) {
                break;
            }
            List<InboundDue> dues = new ArrayList<>();
            for (Row row : page) {
                String sessionId = row.getString("session_id");
                dues.add(InboundDue.of(EventMeta.derived(sessionId, TraceContext.NONE, "recurring/" + name + "/" + dueAt + "/" + sessionId),
                        new UserRef(row.getString("user_id"), null, row.getString("owner_id")), name,
                        EventCodec.mapper().createObjectNode(), dueAt, true));
            }
            // A retry sends every page again: the sessions that had theirs drop the repeat.
            if (!Retries.publishOrRetry(context, publisher, Topics.INBOUND, retry, dues)) {
                return;
            }
            sessions += dues.size();
            after = page.getLast().getString("owner_id");
        }
        LOG.infof("recurring job '%s' due at %s: sent to the latest session of %d owner(s)", name, dueAt, sessions);
    }

    /** The run's own due time: the cron's, also when Quartz recovers the run or a retry fires it. */
    private static Instant dueAt(JobExecutionContext context) {
        JobDataMap data = context.getMergedJobDataMap();
        if (data.containsKey(DUE_AT)) {
            return Instant.parse(data.getString(DUE_AT));
        }
        if (context.isRecovering() && data.containsKey(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_FIRETIME_IN_MILLISECONDS)) {
            return Instant.ofEpochMilli(Long.parseLong(data.getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_FIRETIME_IN_MILLISECONDS)));
        }
        return context.getScheduledFireTime().toInstant();
    }
}
