package dev.capsule.session.schedule;

import dev.capsule.sdk.Recurring;
import dev.capsule.session.app.AppInvoker;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import java.util.TimeZone;
import org.jboss.logging.Logger;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * Keeps the cluster's recurring jobs as the app declares them ({@link Recurring} on its class) when a
 * replica starts: adds new ones, changes those whose schedule changed, and removes those the app no
 * longer declares. A job whose schedule is unchanged is left as it is, so that a run missed while no
 * replica was up still happens (Quartz fires a misfired cron trigger once when it can). A bad cron
 * expression or time zone stops the start with a message that names the job.
 */
@ApplicationScoped
public class RecurringJobs {

    static final String GROUP = "capsule-recurring";
    private static final Logger LOG = Logger.getLogger(RecurringJobs.class);

    private final Scheduler quartz;
    private final AppInvoker app;

    RecurringJobs(Scheduler quartz, AppInvoker app) {
        this.quartz = quartz;
        this.app = app;
    }

    void register(@Observes StartupEvent ignored) throws SchedulerException {
        Set<String> declared = new HashSet<>();
        for (Recurring recurring : app.appClass().getAnnotationsByType(Recurring.class)) {
            if (!declared.add(recurring.name())) {
                throw new IllegalStateException(app.appClass().getName() + " declares @Recurring(name = \"" + recurring.name()
                        + "\") twice: give each recurring job a name of its own");
            }
            keep(recurring);
        }
        for (JobKey key : quartz.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!declared.contains(key.getName())) {
                quartz.deleteJob(key);
                LOG.infof("recurring job '%s' removed: the app no longer declares it", key.getName());
            }
        }
    }

    private void keep(Recurring recurring) throws SchedulerException {
        String where = app.appClass().getName() + " @Recurring(name = \"" + recurring.name() + "\")";
        if (!CronExpression.isValidExpression(recurring.cron())) {
            throw new IllegalStateException(where + ": cron \"" + recurring.cron() + "\" is not a Quartz cron expression "
                    + "(six or seven fields, seconds first, such as \"0 0 9 * * ?\")");
        }
        TimeZone zone;
        try {
            zone = TimeZone.getTimeZone(ZoneId.of(recurring.timeZone()));
        } catch (DateTimeException e) {
            throw new IllegalStateException(where + ": timeZone \"" + recurring.timeZone() + "\" is not a time zone id "
                    + "(such as UTC or Europe/Paris)", e);
        }
        TriggerKey triggerKey = TriggerKey.triggerKey(recurring.name(), GROUP);
        if (quartz.getTrigger(triggerKey) instanceof CronTrigger existing && existing.getCronExpression().equals(recurring.cron())
                && existing.getTimeZone().getID().equals(zone.getID())) {
            return;
        }
        JobDetail job = JobBuilder.newJob(RecurringJob.class).withIdentity(recurring.name(), GROUP).storeDurably()
                .requestRecovery().build();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey).forJob(job)
                .withSchedule(CronScheduleBuilder.cronSchedule(recurring.cron()).inTimeZone(zone)
                        .withMisfireHandlingInstructionFireAndProceed()).build();
        quartz.scheduleJob(job, Set.of(trigger), true);
        LOG.infof("recurring job '%s' scheduled: %s (%s)", recurring.name(), recurring.cron(), zone.getID());
    }
}
