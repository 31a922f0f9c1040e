package dev.capsule.gateway.api;

import dev.capsule.events.EventCodec;
import dev.capsule.gateway.inbound.MessageIntake;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Refused input answers its status with {@code {"error": "<why>"}}. */
public class RejectionMapper {

    @ServerExceptionMapper
    public Response map(MessageIntake.Rejection rejection) {
        return Response.status(rejection.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(EventCodec.mapper().createObjectNode().put("error", rejection.getMessage())).build();
    }
}
