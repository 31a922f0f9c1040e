package dev.capsule.adapters;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs webhook bodies as Slack and Meta do, written from their documentation, apart from the code under test. */
final class Signing {

    private Signing() {
    }

    static String hmacHex(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code X-Slack-Signature} for {@code body} sent at {@code timestamp} (epoch seconds). */
    static String slack(String secret, long timestamp, String body) {
        return "v0=" + hmacHex(secret, "v0:" + timestamp + ":" + body);
    }

    /** {@code X-Hub-Signature-256} for {@code body}. */
    static String meta(String secret, String body) {
        return "sha256=" + hmacHex(secret, body);
    }
}
