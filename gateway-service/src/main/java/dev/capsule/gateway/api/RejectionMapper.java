package dev.capsule.gateway.api;

import dev.capsule.events.EventCodec;
import dev.capsule.gateway.inbound.MessageIntake;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refused input answers its status with {@code {"error": "<why>"}}; a 429 (a limit) also with {@code Retry-After}. */
public class RejectionMapper {

    @ServerExceptionMapper
    public Response map(MessageIntake.Rejection rejection) {
        return answer(rejection);
    }

    static Response answer(MessageIntake.Rejection rejection) {
        Response.ResponseBuilder response = Response.status(rejection.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(EventCodec.mapper().createObjectNode().put("error", rejection.getMessage()));
        if (rejection.status() == 429) {
            response.header("Retry-After", "1"); // the message says how long, to the millisecond
        }
        return response.build();
    }
}
