package dev.capsule.bench.capsule;

/** How a session talks to Capsule: in the bench mix, half the sessions on HTTP and half on WS; in the plain workload, all on HTTP_JSON. */
public enum Transport {
    /** POST /api/sessions/{id}/messages with Accept: text/event-stream. */
    HTTP,
    /** POST /api/sessions/{id}/messages with Accept: application/json: the turn's events in one answer. */
    HTTP_JSON,
    /** The web chat socket, /ws/chat. */
    WS;

    /** Over the HTTP API, whose answers come per request (in order per session), not over a shared socket. */
    public boolean http() {
        return this != WS;
    }

    public String key() {
        return name().toLowerCase();
    }
}
