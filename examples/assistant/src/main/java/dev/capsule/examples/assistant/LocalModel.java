package dev.capsule.examples.assistant;

import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A stand-in for a language model that runs on the machine and needs no network: the same question in the same
 * circumstances gets the same answer, and the answer arrives a token at a time with a pause between tokens, as a
 * hosted model's stream does. That is what the assistant needs to show streaming, and what its tests need to
 * assert the whole text. A real app would call its model's streaming API here and return the same kind of
 * {@link Multi}.
 */
@ApplicationScoped
public class LocalModel {

    private final Duration tokenDelay;

    LocalModel(@ConfigProperty(name = "assistant.model.token-delay", defaultValue = "PT0.03S") Duration tokenDelay) {
        if (tokenDelay.isNegative()) {
            throw new IllegalArgumentException("assistant.model.token-delay must not be negative, got " + tokenDelay);
        }
        this.tokenDelay = tokenDelay;
    }

    /** A model whose tokens follow each other with {@code tokenDelay} between them ({@link Duration#ZERO} for none). */
    public static LocalModel withTokenDelay(Duration tokenDelay) {
        return new LocalModel(tokenDelay);
    }

    /**
     * Streams the answer to {@code prompt} for a user called {@code name} (when known) with {@code openTasks} open
     * tasks: its tokens are words with their trailing space, so that they add up to the whole answer.
     */
    public Multi<String> answer(String prompt, Optional<String> name, int openTasks) {
        List<String> tokens = tokens(compose(prompt, name, openTasks));
        if (tokenDelay.isZero()) {
            return Multi.createFrom().iterable(tokens);
        }
        return Multi.createFrom().ticks().every(tokenDelay)
                .select().first(tokens.size())
                .map(tick -> tokens.get(tick.intValue()));
    }

    /** The whole answer, as {@link #answer} streams it. */
    static String compose(String prompt, Optional<String> name, int openTasks) {
        String you = name.map(n -> ", " + n).orElse("");
        String topic = prompt.strip();
        StringBuilder answer = new StringBuilder();
        if (topic.endsWith("?")) {
            answer.append("Good question").append(you).append(". I am a small local model, so I cannot look \"")
                    .append(topic).append("\" up, but here is how I would go about it: say what you already know, ")
                    .append("find the one thing you do not, and ask someone who does.");
        } else {
            answer.append("I hear you").append(you).append(": \"").append(topic).append("\".");
        }
        if (openTasks > 0) {
            answer.append(" You have ").append(openTasks).append(openTasks == 1 ? " open task" : " open tasks")
                    .append("; /tasks lists them.");
        } else {
            answer.append(" Say \"remind me to …\" and I will keep a task for you.");
        }
        return answer.toString();
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                tokens.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            tokens.add(text.substring(start));
        }
        return tokens;
    }
}
