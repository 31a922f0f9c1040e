package dev.capsule.session.schedule;

import dev.capsule.events.CapsuleEvent;
import dev.capsule.kafka.EventPublisher;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * What a firing job does when Kafka does not take its event: it fires again later, with the same
 * data, through a one-off trigger of its own (the job outlives its spent trigger), so that a Kafka
 * outage delays a due job instead of losing it.
 */
final class Retries {

    static final long RETRY_AFTER_MS = 5_000;
    private static final Logger LOG = Logger.getLogger(Retries.class);

    private Retries() {
    }

    /**
     * Sends {@code events} and waits for Kafka; on failure, fires the job again in a few seconds, its
     * trigger carrying {@code retryData} (what the next fire must know of this one, such as its due time).
     *
     * @return whether Kafka took them all; if not, the job has been set to fire again
     */
    static boolean publishOrRetry(JobExecutionContext context, EventPublisher publisher, String topic, JobDataMap retryData,
                               List<? extends CapsuleEvent> events) throws JobExecutionException {
        try {
            CompletableFuture.allOf(events.stream().map(e -> publisher.publish(topic, e)).toArray(CompletableFuture[]::new))
                    .get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            retry(context, retryData, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            retry(context, retryData, e);
        }
        return false;
    }

    private static void retry(JobExecutionContext context, JobDataMap retryData, Exception cause) throws JobExecutionException {
        Trigger again = TriggerBuilder.newTrigger().forJob(context.getJobDetail()).usingJobData(retryData)
                .startAt(Date.from(Instant.now().plusMillis(RETRY_AFTER_MS))).build();
        try {
            context.getScheduler().scheduleJob(again);
        } catch (SchedulerException e) {
            e.addSuppressed(cause);
            throw new JobExecutionException("job " + context.getJobDetail().getKey() + ": Kafka did not take it and it "
                    + "could not be fired again later", e, false);
        }
        LOG.warnf(cause, "job %s: Kafka did not take it; it fires again in %d ms", context.getJobDetail().getKey(), RETRY_AFTER_MS);
    }
}
