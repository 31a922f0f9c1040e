package __PACKAGE__;

import dev.capsule.sdk.CapsuleApp;
import dev.capsule.sdk.Message;
import dev.capsule.sdk.ReplyStream;
import dev.capsule.sdk.Session;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Your app. Capsule calls {@link #onMessage} with each message a user sends, from the web chat, the HTTP API or
 * a channel such as Telegram, one at a time per session, with the {@link Session} it belongs to.
 */
@ApplicationScoped
public class __APP_CLASS__ implements CapsuleApp {

    /** Runs once, when a session's first message arrives. */
    @Override
    public void enter(Session session) {
        session.notify("Welcome! Write anything, or /stream for a streamed answer.");
    }

    @Override
    public void onMessage(Session session, Message message) {
        // session.data() is this session's own state: it survives restarts and is saved after each turn.
        int count = session.data().getInt("messages", 0) + 1;
        session.data().put("messages", count);

        String text = message.text().strip();
        if (text.equals("/stream")) {
            // A streamed reply reaches the user as it is written, as a model's answer would.
            try (ReplyStream stream = session.streamReply()) {
                for (String word : "This answer arrives one word at a time.".split(" ")) {
                    stream.write(word + " ");
                }
            }
        } else {
            session.reply("Hello from __ARTIFACT_ID__! You said \"" + text + "\" (message " + count + " of this session).");
        }
    }
}
