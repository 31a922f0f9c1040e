package dev.capsule.adapters.inbound;

import java.util.Map;
import java.util.Optional;

/**
 * A webhook call as the provider sent it: the raw body (signatures are computed over these
 * exact bytes, so nothing parses it before the check), the headers and the query parameters.
 *
 * @param body    the raw body
 * @param headers header values by lower-case name
 * @param query   query parameters by name
 */
public record WebhookRequest(byte[] body, Map<String, String> headers, Map<String, String> query) {

    public WebhookRequest {
        body = body == null ? new byte[0] : body;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name));
    }
}
