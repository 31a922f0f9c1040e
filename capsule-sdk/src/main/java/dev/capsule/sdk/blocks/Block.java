package dev.capsule.sdk.blocks;

/**
 * A structured block that {@link dev.capsule.sdk.Session#show} sends and each channel
 * renders natively where it can, with {@link #fallbackText()} where it cannot.
 */
public sealed interface Block permits TaskCard, ChoiceList, IntegrationPrompt {

    /** The block's kind as channels see it, e.g. {@code task_card}. */
    String kind();

    /** A plain-text rendering, for channels and history entries without rich blocks. */
    String fallbackText();
}
