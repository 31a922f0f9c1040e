package dev.capsule.adapters.telegram;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.DeliveryConfig;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.value.SetArgs;
import io.quarkus.redis.datasource.value.ValueCommands;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;

/**
 * Button values as Telegram can carry them. A button's {@code callback_data} holds at most 64
 * bytes; a longer value (or one that looks like a token) travels as a token, {@code cv1:} and a
 * hash of the value, and the value waits in Redis, shared by every replica, until the press
 * comes back or {@code capsule.delivery.button-ttl} has passed.
 */
@ApplicationScoped
public class ButtonValues {

    static final String TOKEN = "cv1:";
    private static final String PREFIX = "capsule:adapters:button:";

    private final ValueCommands<String, String> values;
    private final long ttlSeconds;

    ButtonValues(RedisDataSource redis, DeliveryConfig config) {
        this.values = redis.value(String.class);
        this.ttlSeconds = config.buttonTtl().toSeconds();
    }

    /** What to put in a button's {@code callback_data} for {@code value}. */
    public String callbackData(BoundChannel channel, String value) {
        if (value.getBytes(StandardCharsets.UTF_8).length <= TelegramApi.MAX_CALLBACK_DATA && !value.startsWith(TOKEN)) {
            return value;
        }
        String token = TOKEN + hash(value);
        values.set(PREFIX + channel.name() + ":" + token, value, new SetArgs().ex(ttlSeconds));
        return token;
    }

    /** The value a pressed button's {@code callback_data} stands for; empty when its token has expired. */
    public Optional<String> valueOf(BoundChannel channel, String callbackData) {
        if (!callbackData.startsWith(TOKEN)) {
            return Optional.of(callbackData);
        }
        return Optional.ofNullable(values.get(PREFIX + channel.name() + ":" + callbackData));
    }

    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest); // 43 characters
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
