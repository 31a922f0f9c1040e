package dev.capsule.session.idle;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundClose;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.kafka.EventPublisher;
import dev.capsule.session.config.SessionConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Unremovable;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * Closes sessions idle past {@code capsule.session.idle-timeout}. Due times live in PostgreSQL
 * ({@code sessions.last_activity_at}, folded from every saved turn), so neither a restart nor the
 * loss of Redis forgets one. Quartz runs the sweep on one replica of the cluster at a time; the
 * sweep does not close anything itself but sends an idle {@link InboundClose} per session on
 * {@code capsule.inbound}. The replica that owns the session's partition then closes it on the
 * session's lane, in order with its messages, and only if the session is still idle by its own
 * state: a message that arrived since, or a fold that lags, leaves it open. A close is an inbound
 * record like a message, so a kill -9 or a rebalance runs it on the next owner, once, and the
 * session's state (closed, with the close's id among those handled) drops any repeat.
 *
 * <p>The sweep asks at a pace ({@code capsule.session.idle-closes-per-second}), oldest first: sessions that went
 * quiet together, at the end of a traffic spike, come due together, and each close is a turn ({@code exit()}, its
 * events, its fold) that would otherwise land all at once on the live traffic of that moment. The pace rises with
 * how late the oldest waiting session is ({@code capsule.session.idle-close-catch-up}), so a backlog is spread out
 * and stays bounded (up to the 1,000 a sweep it lists).
 */
@ApplicationScoped
@Unremovable
@DisallowConcurrentExecution
public class IdleReaper implements Job {

    private static final Logger LOG = Logger.getLogger(IdleReaper.class);
    /** The sweep's job in the cluster's Quartz store. */
    public static final JobKey JOB = JobKey.jobKey("capsule-idle-reaper", "capsule");
    /** Where releases before kept the sweep: a Quarkus {@code @Scheduled} method's job, whose group is the API's name. */
    private static final JobKey QUARKUS_SCHEDULED = JobKey.jobKey("capsule-idle-reaper", "io.quarkus.scheduler.Scheduler");
    /** Open sessions (as {@code sessions_open_by_activity} indexes them) idle since before $1. */
    private static final String IDLE = """
            SELECT session_id, user_id, owner_id, last_activity_at FROM sessions
            WHERE (closed_at IS NULL OR closed_at < last_opened_at) AND last_activity_at < $1 AND last_activity_at >= $2
              AND user_id IS NOT NULL AND owner_id IS NOT NULL
            ORDER BY last_activity_at LIMIT $3""";
    private static final int PER_SWEEP = 1000;
    /** Sessions asked to close lately, each with the idle spell it was asked for: not asked again while the close folds. */
    // The cache's upkeep runs on the calling thread: left to the common pool, it woke a thread of it after writes.
    private final Cache<String, Boolean> asked = Caffeine.newBuilder().executor(Runnable::run)
            .expireAfterWrite(Duration.ofMinutes(1))
            .maximumSize(100_000).build();
    /**
     * Where the next sweep starts, oldest first: a full sweep moves it on, so that sessions that stay listed
     * (asked already, their close not folded yet) never hide the ones after them.
     */
    private Instant from = Instant.EPOCH;
    /** Set when the service stops: the scheduler may fire once more after PostgreSQL's pool has closed. */
    private volatile boolean stopping;

    private final SessionConfig config;
    private final Pool pool;
    private final EventPublisher publisher;
    /** Closes a sweep asks while none is late: the configured pace over the sweep's interval. */
    private final int pace;
    /** {@code capsule_idle_closes_asked_total}: idle closes sent on {@code capsule.inbound}. */
    private final Counter closesAsked;
    /**
     * {@code capsule_idle_close_lateness_seconds}: at each sweep that found sessions to ask, how far past its time-out
     * the oldest of them was. A summary rather than a gauge: the replica that sweeps changes from one sweep to the next.
     */
    private final DistributionSummary lateness;

    IdleReaper(SessionConfig config, Pool pool, EventPublisher publisher, MeterRegistry registry) {
        if (config.idleClosesPerSecond() < 1) {
            throw new IllegalArgumentException("capsule.session.idle-closes-per-second must be 1 or more, not "
                    + config.idleClosesPerSecond());
        }
        if (config.idleCloseCatchUp().isZero() || config.idleCloseCatchUp().isNegative()) {
            throw new IllegalArgumentException("capsule.session.idle-close-catch-up must be longer than zero, not "
                    + config.idleCloseCatchUp());
        }
        this.config = config;
        this.pool = pool;
        this.publisher = publisher;
        this.closesAsked = Counter.builder("capsule.idle.closes.asked")
                .description("Idle closes the sweep sent on capsule.inbound").register(registry);
        this.lateness = DistributionSummary.builder("capsule.idle.close.lateness").baseUnit("seconds")
                .description("How far past its idle time-out the oldest session a sweep asked to close was")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.pace = (int) Math.clamp(Math.round(config.idleClosesPerSecond() * config.idleCheckInterval().toMillis() / 1000.0),
                1, PER_SWEEP);
    }

    /**
     * How many closes a sweep asks when the oldest session it would ask is {@code late} past its time-out: {@code pace},
     * and {@code pace} once more for each {@code catchUp} of lateness, at most {@link #PER_SWEEP}.
     */
    static int budget(int pace, Duration late, Duration catchUp) {
        double behind = late.isNegative() ? 0 : (double) late.toMillis() / catchUp.toMillis();
        return (int) Math.min(PER_SWEEP, Math.ceil(pace * (1 + behind)));
    }

    /**
     * Stores the sweep's job in the cluster, replacing what is there. Not a {@code @Scheduled} method: Quarkus stores
     * those by checking that the job is missing and then inserting it, so two replicas starting at once (a deployment, a
     * scale-up) both found it missing, and the second insert failed the replica's start. Replacing happens under
     * Quartz's lock, so the later replica's replaces the earlier's.
     */
    public void schedule(@Observes StartupEvent ignored, Scheduler quartz) throws SchedulerException {
        if (quartz.deleteJob(QUARKUS_SCHEDULED)) {
            LOG.info("removed the idle sweep's job of an earlier release (a Quarkus @Scheduled one)");
        }
        JobDetail job = JobBuilder.newJob(IdleReaper.class).withIdentity(JOB).storeDurably().build();
        Trigger every = TriggerBuilder.newTrigger().withIdentity(JOB.getName(), JOB.getGroup()).forJob(job)
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(config.idleCheckInterval().toMillis()).repeatForever()
                        // A sweep missed while no replica ran is not made up for: the next one finds the same sessions.
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        try {
            quartz.scheduleJob(job, Set.of(every), true);
        } catch (ObjectAlreadyExistsException e) {
            LOG.debugf("the idle sweep's job was stored by another replica meanwhile: %s", e.getMessage());
        }
    }

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        try {
            sweep();
        } catch (RuntimeException e) {
            throw new JobExecutionException("the idle sweep failed; the next one tries again", e);
        }
    }

    void sweep() {
        if (!config.closesIdleSessions() || stopping) {
            return;
        }
        Instant idleSince = Instant.now().minus(config.idleTimeout());
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery(IDLE).execute(Tuple.of(at(idleSince), at(from), PER_SWEEP))
                .await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        int allowed = -1;
        Duration late = Duration.ZERO;
        Instant reached = null;
        boolean paced = false;
        for (Row row : rows) {
            String sessionId = row.getString("session_id");
            Instant lastActivity = row.getOffsetDateTime("last_activity_at").toInstant();
            // The same key, and event id, for the same idle spell: a repeat is dropped on the session's lane anyway.
            String spell = "idle/" + sessionId + "/" + lastActivity.toEpochMilli();
            if (asked.getIfPresent(spell) != null) {
                reached = lastActivity;
                continue;
            }
            if (allowed < 0) {
                // Paced by the oldest session not asked yet: one whose close is under way is no longer waiting.
                late = Duration.between(lastActivity, idleSince);
                allowed = budget(pace, late, config.idleCloseCatchUp());
            }
            if (sent.size() == allowed) {
                paced = true;
                break;
            }
            asked.put(spell, Boolean.TRUE);
            UserRef user = new UserRef(row.getString("user_id"), null, row.getString("owner_id"));
            sent.add(publisher.publish(Topics.INBOUND, InboundClose.idle(EventMeta.derived(sessionId, TraceContext.NONE, spell), user)));
            reached = lastActivity;
        }
        // The next sweep starts where this one stopped: past a full listing, or at the first session the pace left.
        from = paced ? reached : rows.size() < PER_SWEEP ? Instant.EPOCH : rows.getLast().getOffsetDateTime("last_activity_at").toInstant();
        if (sent.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
        } catch (RuntimeException e) {
            asked.invalidateAll(); // the next sweep asks again
            throw new IllegalStateException("Kafka did not take the idle closes of " + sent.size() + " session(s); "
                    + "the next sweep asks again", e);
        }
        closesAsked.increment(sent.size());
        lateness.record(Math.max(0, late.toMillis()) / 1000.0);
        if (paced) {
            LOG.infof("asked to close %d session(s) idle for %s or more; more are due, the oldest %s past its time-out "
                    + "(capsule.session.idle-closes-per-second=%d, rising with lateness)", sent.size(), config.idleTimeout(),
                    late.withNanos(0), config.idleClosesPerSecond());
        } else {
            LOG.infof("asked to close %d session(s) idle for %s or more", sent.size(), config.idleTimeout());
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        stopping = true;
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
