package dev.capsule.bench.capsule;

/** How a session talks to Capsule: half the sessions use each. */
public enum Transport {
    /** POST /api/sessions/{id}/messages with Accept: text/event-stream. */
    HTTP,
    /** The web chat socket, /ws/chat. */
    WS;

    public String key() {
        return name().toLowerCase();
    }
}
