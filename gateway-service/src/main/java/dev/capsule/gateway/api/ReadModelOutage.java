package dev.capsule.gateway.api;

import dev.capsule.gateway.inbound.MessageIntake.Rejection;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

/**
 * A read of the read model (PostgreSQL) that failed answers 503 with what to do, in the API's error shape, instead of
 * a bare 500: with PostgreSQL down the gateway stays in service (chat goes on), and its readers are told to come back.
 * The cause is logged, so a failure that is not an outage still shows.
 */
public final class ReadModelOutage {

    private static final Logger LOG = Logger.getLogger(ReadModelOutage.class);

    private ReadModelOutage() {
    }

    /** {@code read}, whose failures (other than refusals) become a 503 naming {@code what} could not be read. */
    public static <T> Uni<T> guard(String what, Uni<T> read) {
        return read.onFailure(e -> !(e instanceof Rejection)).transform(e -> {
            LOG.warnf(e, "%s could not be read from PostgreSQL; answered 503", what);
            return new Rejection(503, what + " cannot be read right now (the read model's database does not answer);"
                    + " try again shortly");
        });
    }
}
