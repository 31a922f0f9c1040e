package dev.capsule.session.devmode;

import io.quarkus.dev.spi.HotReplacementContext;
import io.quarkus.dev.spi.HotReplacementSetup;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Makes an edit to the app answer the next message in Quarkus dev mode ({@code ./capsule dev --app <dir>}).
 *
 * <p>Quarkus looks for changed sources when an HTTP request reaches the service, and a user's message never
 * does: it comes from Kafka. So in dev mode this looks every second; a change recompiles the app and restarts it
 * in place. A message taken during the restart is not lost: its offset was not committed, so the new instance
 * consumes it again. Quarkus finds this class through {@code META-INF/services}; it is never loaded outside dev mode.
 */
public class DevModeReload implements HotReplacementSetup {

    private static final Logger LOG = Logger.getLogger(DevModeReload.class);
    private static final long SCAN_EVERY_MS = 1000;

    private ScheduledExecutorService timer;
    private String lastProblem;

    @Override
    public void setupHotDeployment(HotReplacementContext context) {
        if (context.isTest()) {
            return; // continuous testing runs the tests on its own schedule
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("capsule-dev-reload").factory());
        timer.scheduleWithFixedDelay(() -> scan(context), SCAN_EVERY_MS, SCAN_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    private void scan(HotReplacementContext context) {
        try {
            if (context.doScan(false)) {
                LOG.info("the app changed: reloaded; the next message runs the new code");
            }
            lastProblem = null;
        } catch (Exception e) {
            // A compile error stays until the next edit: say it once, not every second.
            String problem = String.valueOf(e.getMessage());
            if (!Objects.equals(problem, lastProblem)) {
                LOG.errorf(e, "the app's change could not be applied; fix it and save again");
                lastProblem = problem;
            }
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
