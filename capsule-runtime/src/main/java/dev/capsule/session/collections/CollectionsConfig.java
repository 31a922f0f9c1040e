package dev.capsule.session.collections;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The owner-scoped collections' settings, {@code capsule.db.*} (the environment's {@code CAPSULE_DB_…} overrides). */
@ConfigMapping(prefix = "capsule.db")
public interface CollectionsConfig {

    /**
     * The largest document a handler may write, in bytes of its JSON; a larger one fails the write with
     * {@code DocumentTooLargeException}, before anything is published.
     */
    @WithDefault("65536")
    int maxDocumentBytes();
}
