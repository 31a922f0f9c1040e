package dev.capsule.sdk.blocks;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A card for one task: a title, its status, labelled fields and buttons.
 *
 * @param title   what the task is
 * @param status  where it stands, e.g. {@code open}, {@code done}
 * @param fields  labelled values, in display order
 * @param actions buttons; pressing one comes back as a user message whose {@link dev.capsule.sdk.Message#action()}
 *                holds its {@code value} and {@code label}
 */
public record TaskCard(String title, String status, List<Field> fields, List<Action> actions) implements Block {

    public TaskCard {
        Objects.requireNonNull(title, "a task card needs a title");
        Objects.requireNonNull(status, "a task card needs a status");
        fields = fields == null ? List.of() : List.copyOf(fields);
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    @Override
    public String kind() {
        return "task_card";
    }

    @Override
    public String fallbackText() {
        String lines = fields.stream().map(f -> "\n" + f.label() + ": " + f.value()).collect(Collectors.joining());
        return title + " [" + status + "]" + lines;
    }

    /** A labelled value on a card. */
    public record Field(String label, String value) {
    }

    /**
     * A button: {@code label} is shown, {@code value} comes back in the press's {@link dev.capsule.sdk.Action}
     * (not to be confused with that record, which is the press as the handler receives it).
     */
    public record Action(String label, String value) {
    }
}
