package dev.capsule.session.schedule;

import dev.capsule.events.EventMeta;
import dev.capsule.events.UserRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Date;
import java.util.List;
import org.jboss.logging.Logger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * Hands the jobs a turn scheduled ({@code session.schedule(...)}) to Quartz, whose job store is the
 * read model's PostgreSQL and whose replicas form one cluster: each job fires once, on one replica,
 * and survives restarts. A job's key is derived from the message whose turn scheduled it and its
 * place in the turn, so a turn run again after a crash schedules nothing twice.
 */
@ApplicationScoped
public class SessionJobs {

    static final String GROUP = "capsule-session-jobs";
    private static final Logger LOG = Logger.getLogger(SessionJobs.class);

    private final Scheduler quartz;

    SessionJobs(Scheduler quartz) {
        this.quartz = quartz;
    }

    /**
     * Schedules {@code jobs}, asked for by the turn of message {@code messageId}; blocks on PostgreSQL.
     *
     * @throws IllegalStateException when the job store could not take them: the turn is not done
     */
    public void schedule(String sessionId, UserRef user, String messageId, List<JobRequest> jobs) {
        for (int i = 0; i < jobs.size(); i++) {
            JobRequest job = jobs.get(i);
            String key = EventMeta.derived(sessionId, null, messageId + "/job/" + i).eventId();
            JobDetail detail = JobBuilder.newJob(DueJob.class).withIdentity(key, GROUP).requestRecovery()
                    .usingJobData(DueJob.data(sessionId, user, job)).build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(key, GROUP).startAt(Date.from(job.dueAt()))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build();
            try {
                quartz.scheduleJob(detail, trigger);
                LOG.debugf("session %s: job '%s' (%s) due at %s", sessionId, job.name(), key, job.dueAt());
            } catch (ObjectAlreadyExistsException e) {
                LOG.debugf("session %s: job %s was scheduled already (the turn ran again)", sessionId, key);
            } catch (SchedulerException e) {
                throw new IllegalStateException("session " + sessionId + ": the scheduler could not keep job '" + job.name()
                        + "': " + e.getMessage(), e);
            }
        }
    }
}
