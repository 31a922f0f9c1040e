package dev.capsule.sdk.blocks;

import java.util.Objects;

/**
 * Asks the user to connect an integration: {@code text}, then a button labelled {@code label} that opens
 * {@code url}. {@link dev.capsule.sdk.Integrations#require} makes it, with a link only that user can finish;
 * an app rarely builds one itself.
 *
 * @param integration the integration's name
 * @param label       the button's text, e.g. {@code Connect GitHub}
 * @param url         where the button goes: the gateway's connect link
 * @param text        a line saying why, shown above the button
 */
public record IntegrationPrompt(String integration, String label, String url, String text) implements Block {

    public IntegrationPrompt {
        Objects.requireNonNull(integration, "an integration prompt needs the integration's name");
        Objects.requireNonNull(label, "an integration prompt needs a label");
        Objects.requireNonNull(url, "an integration prompt needs a url");
        text = text == null ? "" : text;
    }

    @Override
    public String kind() {
        return "integration_prompt";
    }

    @Override
    public String fallbackText() {
        return (text.isEmpty() ? "" : text + "\n") + label + ": " + url;
    }
}
