package dev.capsule.integrations.identity;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Linked identities and link codes in PostgreSQL, through Hibernate Reactive; call on a Vert.x context. A code is
 * eight characters of an alphabet without look-alikes (40 bits), works once, and expires: guessing one within its
 * minutes is out of reach.
 */
@ApplicationScoped
public class IdentityLinks {

    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Mutiny.SessionFactory sessions;
    private final Duration expiry;

    IdentityLinks(Mutiny.SessionFactory sessions, IdentityConfig config) {
        this.sessions = sessions;
        this.expiry = config.linkCodeExpiry();
    }

    /** A new code for {@code channelUserId}, asked for in {@code sessionId}, shown as {@code ABCD-EFGH}. */
    public Uni<String> newCode(String channelUserId, String sessionId) {
        LinkCode code = new LinkCode();
        code.code = randomCode();
        code.channelUserId = channelUserId;
        code.sessionId = sessionId;
        code.expiresAt = Instant.now().plus(expiry);
        return sessions.withTransaction(s -> s.persist(code)).replaceWith(code.code.substring(0, 4) + "-" + code.code.substring(4));
    }

    /** Takes the code away, once; empty when it is unknown, used or expired. Dashes, spaces and case do not matter. */
    public Uni<Optional<LinkCode>> redeem(String typed) {
        String code = typed == null ? "" : typed.replaceAll("[\\s-]", "").toUpperCase();
        Instant now = Instant.now();
        return sessions.withTransaction(s -> s.find(LinkCode.class, code).chain(found -> found == null
                ? Uni.createFrom().item(Optional.<LinkCode>empty())
                : s.remove(found).replaceWith(found.expiresAt.isAfter(now) ? Optional.of(found) : Optional.<LinkCode>empty())));
    }

    /** Links {@code channelUserId} to the app user, over any earlier link of it. */
    public Uni<Void> link(String channelUserId, String userId, String ownerId, String email) {
        return sessions.withTransaction(s -> s.find(IdentityLink.class, channelUserId).chain(existing -> {
            IdentityLink link = existing != null ? existing : new IdentityLink();
            link.channelUserId = channelUserId;
            link.userId = userId;
            link.ownerId = ownerId;
            link.email = email;
            link.linkedAt = Instant.now();
            return existing != null ? Uni.createFrom().voidItem() : s.persist(link);
        }));
    }

    /** The app user {@code channelUserId} is linked to, if any. */
    public Uni<Optional<IdentityLink>> find(String channelUserId) {
        return sessions.withSession(s -> s.find(IdentityLink.class, channelUserId)).map(Optional::ofNullable);
    }

    /** Deletes link codes past their expiry; answers how many. */
    public Uni<Integer> purgeExpired() {
        return sessions.withTransaction(s -> s.createMutationQuery("delete from LinkCode where expiresAt < :now")
                .setParameter("now", Instant.now()).executeUpdate());
    }

    private static String randomCode() {
        StringBuilder code = new StringBuilder(8);
        for (int i = 0; i < 8; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }
}
