package dev.capsule.adapters.config;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * The named channels this service serves, checked once at startup: a channel of an unknown
 * type, or without a secret its provider needs, stops the service with a message naming the
 * property to set, rather than failing on the first webhook.
 */
@Startup
@ApplicationScoped
public class BoundChannels {

    private static final Logger LOG = Logger.getLogger(BoundChannels.class);

    /** A channel name becomes part of session ids, URLs and Redis keys: kept short and plain. */
    private static final String NAME = "[a-z0-9][a-z0-9-]{0,39}";

    private final Map<String, BoundChannel> byName;

    @Inject
    BoundChannels(ChannelsConfig config) {
        this(bind(config.named()));
    }

    public BoundChannels(Map<String, BoundChannel> byName) {
        this.byName = Map.copyOf(byName);
        this.byName.values().forEach(c -> LOG.infof("channel %s bound: %s, API %s", c.name(), c.type().id(), c.apiBaseUrl()));
    }

    public Optional<BoundChannel> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<BoundChannel> all() {
        return byName.values();
    }

    /**
     * Checks every configured channel and fills in its provider's defaults.
     *
     * @throws IllegalStateException naming every problem found, each with the property to set
     */
    public static Map<String, BoundChannel> bind(Map<String, ChannelsConfig.ChannelConfig> configured) {
        Map<String, BoundChannel> bound = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        new TreeMap<>(configured).forEach((name, c) -> {
            String p = "capsule.channels." + name + ".";
            if (!name.matches(NAME)) {
                problems.add("channel name '" + name + "' must be 1 to 40 lower-case letters, digits or '-'");
                return;
            }
            Optional<ChannelType> type = ChannelType.of(c.type());
            if (type.isEmpty()) {
                problems.add(p + "type '" + c.type() + "' is unknown: expected " + ChannelType.names());
                return;
            }
            String token = required(c.token(), p + "token", problems);
            String secret = switch (type.get()) {
                case TELEGRAM -> required(c.webhookSecret(), p + "webhook-secret", problems);
                case SLACK -> required(c.signingSecret(), p + "signing-secret", problems);
                case WHATSAPP -> required(c.appSecret(), p + "app-secret", problems);
            };
            String verifyToken = type.get() == ChannelType.WHATSAPP ? required(c.verifyToken(), p + "verify-token", problems) : null;
            String phone = type.get() == ChannelType.WHATSAPP ? required(c.phoneNumberId(), p + "phone-number-id", problems) : null;
            if (type.get() == ChannelType.TELEGRAM && secret != null && !secret.matches("[A-Za-z0-9_-]{1,256}")) {
                problems.add(p + "webhook-secret must be 1 to 256 of A-Z, a-z, 0-9, '_' and '-' (Telegram's rule for secret_token)");
            }
            String base = c.apiBaseUrl().filter(s -> !s.isBlank()).orElse(type.get().defaultApiBaseUrl()).replaceAll("/+$", "");
            if (!base.startsWith("http://") && !base.startsWith("https://")) {
                problems.add(p + "api-base-url '" + base + "' is not an http(s) URL");
            }
            Duration perChat = c.perChatInterval().orElse(type.get().defaultPerChatInterval());
            double rate = c.perChannelRate().orElse(type.get().defaultPerChannelRate());
            if (rate <= 0) {
                problems.add(p + "per-channel-rate must be above 0");
            }
            Duration edits = c.streamEditInterval().orElse(type.get().defaultStreamEditInterval());
            if (problems.isEmpty()) {
                bound.put(name, new BoundChannel(name, type.get(), token, secret, verifyToken, phone, base, perChat, rate, edits));
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("channel configuration is incomplete:\n  - " + String.join("\n  - ", problems)
                    + "\nSecrets come from the environment, e.g. capsule.channels.<name>.token=${MY_BOT_TOKEN}.");
        }
        return bound;
    }

    private static String required(Optional<String> value, String property, List<String> problems) {
        if (value.isEmpty() || value.get().isBlank()) {
            problems.add(property + " is missing");
            return null;
        }
        return value.get();
    }
}
