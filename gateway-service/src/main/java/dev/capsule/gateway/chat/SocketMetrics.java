package dev.capsule.gateway.chat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.websockets.next.OpenConnections;
import jakarta.enterprise.context.ApplicationScoped;

/** {@code capsule_gateway_sockets_open}: the chat sockets open on this replica, counted when Prometheus asks. */
@Startup
@ApplicationScoped
public class SocketMetrics {

    SocketMetrics(MeterRegistry registry, OpenConnections connections) {
        Gauge.builder("capsule.gateway.sockets.open", connections, open -> open.listAll().size())
                .description("Chat sockets open on this replica")
                .register(registry);
    }
}
