package dev.capsule.adapters.outbound;

/**
 * Where in a provider an outbound event goes. Inbound messages carry it as their {@code route},
 * which session-service copies onto every event of the turn; an event without a route (a
 * proactive send) finds it in its session id instead (see {@link dev.capsule.adapters.inbound.Conversations}).
 *
 * @param chat   Telegram chat id, Slack channel id, WhatsApp user's number (wa_id)
 * @param thread Slack thread timestamp, else null
 * @param ref    the provider's id of the user's message being answered (WhatsApp wamid, for its typing indicator), else null
 */
public record Target(String chat, String thread, String ref) {

    public Target {
        if (chat == null || chat.isBlank()) {
            throw new IllegalArgumentException("a target needs a chat");
        }
    }

    /** {@code chat|thread|ref}, empty parts left empty: what an inbound message carries as its route. */
    public String route() {
        return chat + "|" + (thread == null ? "" : thread) + "|" + (ref == null ? "" : ref);
    }

    /** The target a route names, or null when {@code route} is not one of ours. */
    public static Target ofRoute(String route) {
        if (route == null || route.isBlank()) {
            return null;
        }
        String[] parts = route.split("\\|", -1);
        if (parts.length != 3 || parts[0].isBlank()) {
            return null;
        }
        return new Target(parts[0], parts[1].isEmpty() ? null : parts[1], parts[2].isEmpty() ? null : parts[2]);
    }
}
