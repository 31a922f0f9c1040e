package dev.capsule.adapters;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.adapters.config.ChannelType;
import dev.capsule.adapters.outbound.ProviderApi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The adapter of each provider, and each named channel's API client, made once. */
@ApplicationScoped
public class ChannelAdapters {

    private final Map<ChannelType, ChannelAdapter> byType = new EnumMap<>(ChannelType.class);
    private final Map<String, ProviderApi> apis = new ConcurrentHashMap<>();

    ChannelAdapters(Instance<ChannelAdapter> adapters) {
        adapters.forEach(a -> byType.put(a.type(), a));
    }

    public ChannelAdapter of(BoundChannel channel) {
        ChannelAdapter adapter = byType.get(channel.type());
        if (adapter == null) {
            throw new IllegalStateException("no adapter for " + channel.type().id());
        }
        return adapter;
    }

    public ProviderApi api(BoundChannel channel) {
        return apis.computeIfAbsent(channel.name(), n -> of(channel).api(channel));
    }
}
