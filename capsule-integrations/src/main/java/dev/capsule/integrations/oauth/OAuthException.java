package dev.capsule.integrations.oauth;

/**
 * A provider refused a token request, or answered what OAuth does not allow. The message names the provider's
 * error code and description, never a token or a code.
 */
public class OAuthException extends RuntimeException {

    private final String error;

    public OAuthException(String integration, String error, String description) {
        super(integration + ": the provider answered " + error + (description == null || description.isBlank() ? "" : " (" + description + ")"));
        this.error = error;
    }

    /** The provider's error code, e.g. {@code invalid_grant} (a refresh token revoked or expired). */
    public String error() {
        return error;
    }
}
