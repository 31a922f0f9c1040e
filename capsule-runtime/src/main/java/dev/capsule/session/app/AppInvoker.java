package dev.capsule.session.app;

import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Connection;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReactiveCapsuleApp;
import dev.capsule.sdk.ScheduledJob;
import dev.capsule.sdk.Session;
import io.quarkus.arc.All;
import io.quarkus.arc.InstanceHandle;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Finds the app this service runs (a {@link CapsuleApp} or {@link ReactiveCapsuleApp} bean)
 * and calls its hooks on the turn's thread. With several apps on the classpath,
 * {@code capsule.app} names the one to run.
 */
@ApplicationScoped
@Startup
public class AppInvoker {

    private static final Logger LOG = Logger.getLogger(AppInvoker.class);

    private final Object app;

    AppInvoker(@All List<InstanceHandle<CapsuleApp>> blocking, @All List<InstanceHandle<ReactiveCapsuleApp>> reactive,
               AppConfig config) {
        Optional<String> chosen = config.name();
        List<Object> apps = new ArrayList<>();
        blocking.forEach(h -> apps.add(h.get()));
        reactive.forEach(h -> apps.add(h.get()));
        List<Object> candidates = chosen
                .map(name -> apps.stream().filter(a -> className(a).equals(name) || className(a).endsWith("." + name)).toList())
                .orElse(apps);
        if (candidates.size() != 1) {
            List<String> names = apps.stream().map(AppInvoker::className).toList();
            throw new IllegalStateException(candidates.isEmpty()
                    ? "no Capsule app to run" + chosen.map(n -> " named " + n).orElse("") + "; apps found: " + names
                    + ". Add a CapsuleApp bean, or set capsule.app to one of them."
                    : "several Capsule apps found " + names + ": set capsule.app to the class of the one to run");
        }
        this.app = candidates.get(0);
        LOG.infof("running app %s", className(app));
    }

    private static String className(Object bean) {
        String name = bean.getClass().getName();
        // CDI client proxies are named after the bean class.
        return name.endsWith("_ClientProxy") ? name.substring(0, name.length() - "_ClientProxy".length()) : name;
    }

    public void enter(Session session) {
        if (app instanceof CapsuleApp blocking) {
            blocking.enter(session);
        } else {
            ((ReactiveCapsuleApp) app).enter(session).await().indefinitely();
        }
    }

    public void onMessage(Session session, Message message) {
        if (app instanceof CapsuleApp blocking) {
            blocking.onMessage(session, message);
        } else {
            ((ReactiveCapsuleApp) app).onMessage(session, message).await().indefinitely();
        }
    }

    /** The app's class (not a CDI proxy's): where it declares its {@code @Recurring} jobs. */
    public Class<?> appClass() {
        Class<?> type = app.getClass();
        return type.getName().endsWith("_ClientProxy") ? type.getSuperclass() : type;
    }

    public void onScheduled(Session session, ScheduledJob job) {
        if (app instanceof CapsuleApp blocking) {
            blocking.onScheduled(session, job);
        } else {
            ((ReactiveCapsuleApp) app).onScheduled(session, job).await().indefinitely();
        }
    }

    public void onConnected(Session session, Connection connection) {
        if (app instanceof CapsuleApp blocking) {
            blocking.onConnected(session, connection);
        } else {
            ((ReactiveCapsuleApp) app).onConnected(session, connection).await().indefinitely();
        }
    }

    public void exit(Session session) {
        if (app instanceof CapsuleApp blocking) {
            blocking.exit(session);
        } else {
            ((ReactiveCapsuleApp) app).exit(session).await().indefinitely();
        }
    }
}
