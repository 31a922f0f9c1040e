package dev.capsule.sdk;

/**
 * A button the user pressed: one of the {@link dev.capsule.sdk.blocks.TaskCard.Action actions} of a
 * task card, or one of the {@link dev.capsule.sdk.blocks.ChoiceList.Choice choices} of a choice list,
 * that the app {@linkplain Session#show shown} earlier.
 *
 * <p>Every channel renders those blocks as buttons where it can: the web chat as buttons on a card,
 * Telegram as an inline keyboard, Slack as Block Kit buttons, WhatsApp as reply buttons or a list.
 * When the user presses one, the press comes back to the handler as a {@link Message} of its own,
 * whose {@link Message#action()} holds this record: the {@code value} the app gave the button, to
 * act on, and the {@code label} the user saw on it, to speak of.
 *
 * @param value what the app gave the button to send back, e.g. {@code done}; never empty
 * @param label what the button said, e.g. {@code Mark done}; the value when the channel did not say
 */
public record Action(String value, String label) {

    public Action {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("an action needs the value of the button that was pressed");
        }
        if (label == null || label.isBlank()) {
            label = value;
        }
    }
}
