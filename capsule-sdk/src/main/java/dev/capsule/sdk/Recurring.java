package dev.capsule.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a job that recurs for every owner, on the app's class, in cron style as Quarkus'
 * {@code @Scheduled}: at each time the cron expression gives, the runtime calls
 * {@link CapsuleApp#onScheduled} once per owner, in that owner's most recently active session
 * (open or closed), with {@link Capsule#currentSession()} set to it. What it
 * sends reaches the user on that session's channel. A run is once across the cluster and is not
 * lost to a restart: a run missed while no replica was up happens when one comes back.
 *
 * <pre>{@code
 * @Recurring(name = "digest", cron = "0 0 9 * * ?")      // every day at 09:00 UTC
 * @ApplicationScoped
 * class Assistant implements CapsuleApp { ... }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(Recurring.List.class)
public @interface Recurring {

    /** The job's name, which {@link ScheduledJob#name()} gives the handler; unique within the app. */
    String name();

    /**
     * When it runs: a Quartz cron expression of six or seven fields (seconds first), such as
     * {@code "0 0 9 * * ?"}, read in {@link #timeZone()}.
     */
    String cron();

    /** The time zone the cron expression is read in (a {@link java.time.ZoneId}). */
    String timeZone() default "UTC";

    /** Several {@link Recurring} jobs on one app. */
    @Documented
    @Inherited
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        Recurring[] value();
    }
}
