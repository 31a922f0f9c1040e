package dev.capsule.session;

import dev.capsule.sdk.Capsule;
import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.Recurring;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.Session;
import jakarta.enterprise.context.ApplicationScoped;

/** The app RecurringTest runs: a job every two seconds for every owner, which says where it ran. */
@Recurring(name = "tick", cron = "0/2 * * * * ?")
@ApplicationScoped
public class RecurringTestApp implements CapsuleApp {

    @Override
    public void onMessage(Session session, Message message) {
        session.reply("ok");
    }

    @Override
    public void onScheduled(Session session, ScheduledJob job) {
        session.reply(job.name() + " recurring=" + job.recurring() + " current="
                + Capsule.currentSession().map(Session::id).orElse("none"));
    }
}
