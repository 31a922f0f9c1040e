package dev.capsule.gateway.identity;

import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundLinked;
import dev.capsule.events.Topics;
import dev.capsule.events.TraceContext;
import dev.capsule.events.UserRef;
import dev.capsule.gateway.auth.CurrentUser;
import dev.capsule.gateway.inbound.MessageIntake;
import dev.capsule.integrations.identity.IdentityLinks;
import dev.capsule.kafka.EventPublisher;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Account linking, the app user's side: confirms a link code that a channel user (Telegram, Slack, WhatsApp) was shown
 * after typing {@code /link}. The channel identity becomes the caller: its sessions, collections, integrations and
 * {@code sendTo} are theirs from then on. The session the code was asked for in hears of it, in order.
 */
@Path("/api/identity/links")
@Authenticated
public class LinksResource {

    private static final Logger LOG = Logger.getLogger(LinksResource.class);

    private final IdentityLinks links;
    private final EventPublisher publisher;
    private final JsonWebToken token;
    private final CurrentUser users;

    LinksResource(IdentityLinks links, EventPublisher publisher, JsonWebToken token, CurrentUser users) {
        this.links = links;
        this.publisher = publisher;
        this.token = token;
        this.users = users;
    }

    /** The code as typed: {@code ABCD-EFGH}, any case, with or without the dash. */
    public record Confirm(String code) {
    }

    /** What was linked: the channel identity, now the caller's. */
    public record Linked(String channelUserId, String sessionId) {
    }

    /** 200 with what was linked; 404 ({@code {"error"}}) for a code unknown, used or expired; 400 without a code. */
    @POST
    public Uni<Linked> confirm(Confirm body) {
        if (body == null || body.code() == null || body.code().isBlank()) {
            throw new MessageIntake.Rejection(400, "send {\"code\": \"ABCD-EFGH\"}: the code /link showed on the other channel");
        }
        UserRef user = users.of(token);
        return links.redeem(body.code()).chain(found -> {
            if (found.isEmpty()) {
                throw new MessageIntake.Rejection(404, "that link code is unknown, used or expired: send /link again on the other channel");
            }
            String channelUser = found.get().channelUserId;
            String sessionId = found.get().sessionId;
            return links.link(channelUser, user.id(), user.ownerId(), user.email())
                    .chain(() -> Uni.createFrom().completionStage(() -> publisher.publish(Topics.INBOUND, InboundLinked.of(
                            EventMeta.derived(sessionId, TraceContext.NONE, "linked/" + found.get().code), channelUser, user))))
                    .map(ignored -> {
                        LOG.infof("channel identity %s linked to user %s (announced in session %s)", channelUser, user.id(), sessionId);
                        return new Linked(channelUser, sessionId);
                    });
        });
    }
}
