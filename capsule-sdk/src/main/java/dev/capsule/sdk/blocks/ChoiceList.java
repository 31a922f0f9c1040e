package dev.capsule.sdk.blocks;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A question with choices. Choosing one comes back as a user message whose
 * {@link dev.capsule.sdk.Message#action()} holds the choice's {@code value} and {@code label}.
 *
 * @param prompt  the question
 * @param choices the options, in display order
 */
public record ChoiceList(String prompt, List<Choice> choices) implements Block {

    public ChoiceList {
        Objects.requireNonNull(prompt, "a choice list needs a prompt");
        if (choices == null || choices.isEmpty()) {
            throw new IllegalArgumentException("a choice list needs at least one choice");
        }
        choices = List.copyOf(choices);
    }

    @Override
    public String kind() {
        return "choice_list";
    }

    @Override
    public String fallbackText() {
        return prompt + choices.stream().map(c -> "\n- " + c.label()).collect(Collectors.joining());
    }

    /** One option: {@code label} is shown, {@code value} comes back in the press's {@link dev.capsule.sdk.Action}. */
    public record Choice(String label, String value) {
    }
}
