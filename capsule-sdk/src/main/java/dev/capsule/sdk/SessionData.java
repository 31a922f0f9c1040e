package dev.capsule.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A session's small state: a JSON object the handler reads and changes during a turn. The
 * runtime saves it after the turn; changes of a failed turn are discarded with it.
 * Not thread-safe: change it from the turn's own thread.
 */
public final class SessionData {

    private final ObjectNode json;

    private SessionData(ObjectNode json) {
        this.json = json;
    }

    /** An empty state. */
    public static SessionData empty() {
        return new SessionData(JsonNodeFactory.instance.objectNode());
    }

    /** A state holding a copy of {@code json}. */
    public static SessionData of(ObjectNode json) {
        return new SessionData(Objects.requireNonNull(json, "json").deepCopy());
    }

    /** A copy of the state as a JSON object. */
    public ObjectNode toJson() {
        return json.deepCopy();
    }

    public int getInt(String key, int orElse) {
        JsonNode v = json.get(key);
        return v != null && v.canConvertToInt() ? v.intValue() : orElse;
    }

    public long getLong(String key, long orElse) {
        JsonNode v = json.get(key);
        return v != null && v.canConvertToLong() ? v.longValue() : orElse;
    }

    public boolean getBoolean(String key, boolean orElse) {
        JsonNode v = json.get(key);
        return v != null && v.isBoolean() ? v.booleanValue() : orElse;
    }

    public Optional<String> getString(String key) {
        JsonNode v = json.get(key);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    /** The raw JSON value under {@code key}, for nested objects and arrays. */
    public Optional<JsonNode> get(String key) {
        return Optional.ofNullable(json.get(key)).map(JsonNode::deepCopy);
    }

    public SessionData put(String key, int value) {
        json.put(key, value);
        return this;
    }

    public SessionData put(String key, long value) {
        json.put(key, value);
        return this;
    }

    public SessionData put(String key, boolean value) {
        json.put(key, value);
        return this;
    }

    public SessionData put(String key, String value) {
        json.put(key, value);
        return this;
    }

    public SessionData put(String key, JsonNode value) {
        json.set(key, value == null ? null : value.deepCopy());
        return this;
    }

    public SessionData remove(String key) {
        json.remove(key);
        return this;
    }

    public boolean has(String key) {
        return json.has(key);
    }

    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
