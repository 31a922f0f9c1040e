package dev.capsule.session.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.UserRef;
import dev.capsule.integrations.identity.IdentityConfig;
import dev.capsule.integrations.identity.IdentityLink;
import dev.capsule.integrations.identity.IdentityLinks;
import dev.capsule.session.integrations.ReactiveStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Who a named channel's user is: their channel identity, or the app user it is linked to. Messages of the web chat
 * and the API carry their app user already and are never looked up.
 *
 * <p>Each replica remembers a lookup for {@link #REMEMBERED}: a link made elsewhere reaches the replica that runs
 * the session at once (the link's {@code inbound.linked} on the session's lane forgets it there), and its other
 * sessions within that time, without a read per message.
 */
@ApplicationScoped
public class LinkedIdentities {

    private static final Logger LOG = Logger.getLogger(LinkedIdentities.class);
    static final Duration REMEMBERED = Duration.ofSeconds(30);

    private final IdentityLinks links;
    private final String linkCommand;
    // The cache's upkeep runs on the calling thread: left to the common pool, it woke a thread of it after writes.
    private final Cache<String, Optional<UserRef>> linked = Caffeine.newBuilder().executor(Runnable::run)
            .maximumSize(100_000).expireAfterWrite(REMEMBERED).build();

    LinkedIdentities(IdentityLinks links, IdentityConfig config) {
        this.links = links;
        this.linkCommand = config.linkCommand().trim();
    }

    /** The batch with each message's user as its link says: the app user, for a linked channel identity. */
    public List<InboundMessage> resolve(List<InboundMessage> batch) {
        if (batch.stream().allMatch(m -> isWebOrApi(m.channel()))) {
            return batch;
        }
        return batch.stream().map(m -> {
            UserRef user = resolve(m.user(), m.channel());
            return user == m.user() ? m : new InboundMessage(m.eventId(), m.schemaVersion(), m.sessionId(), m.timestamp(), m.trace(),
                    user, m.channel(), m.text(), m.route(), m.action());
        }).toList();
    }

    private UserRef resolve(UserRef user, String channel) {
        if (isWebOrApi(channel)) {
            return user;
        }
        return linked.get(user.id(), this::lookUp).orElse(user);
    }

    /** Forgets what this replica knows of {@code channelUserId}: it has just been linked. */
    public void forget(String channelUserId) {
        linked.invalidate(channelUserId);
    }

    /** Whether {@code text} on {@code channel} asks for a link code (a named channel's {@code /link}). */
    public boolean asksForLinkCode(String channel, String text) {
        return !linkCommand.isEmpty() && !isWebOrApi(channel) && text.trim().equalsIgnoreCase(linkCommand);
    }

    /** A new link code for {@code channelUserId}, asked for in {@code sessionId}. */
    public String newCode(String channelUserId, String sessionId) {
        return ReactiveStore.await("making a link code", () -> links.newCode(channelUserId, sessionId));
    }

    private Optional<UserRef> lookUp(String channelUserId) {
        Optional<IdentityLink> link = ReactiveStore.await("reading the link of " + channelUserId,
                () -> links.find(channelUserId));
        link.ifPresent(l -> LOG.debugf("channel identity %s is user %s", channelUserId, l.userId));
        return link.map(l -> new UserRef(l.userId, l.email, l.ownerId));
    }

    private static boolean isWebOrApi(String channel) {
        return "web".equals(channel) || "api".equals(channel);
    }
}
