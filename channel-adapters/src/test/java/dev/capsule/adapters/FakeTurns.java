package dev.capsule.adapters;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capsule.events.EventMeta;
import dev.capsule.events.InboundMessage;
import dev.capsule.events.Notify;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
import dev.capsule.events.Show;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.Topics;
import dev.capsule.events.TurnEnded;
import dev.capsule.kafka.EventPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays session-service for the adapters' tests, since it does not run here: each inbound
 * message of a named channel gets a turn on {@code capsule.outbound.channels}, keyed and sequenced per
 * session, copying the message's channel and route as session-service does.
 * {@code /stream} streams {@link #STREAM} in chunks 40 ms apart; {@code /card} shows a choice
 * list ({@code /long-card} one with a value too long for a Telegram button); {@code /connect} shows an
 * integration prompt; {@code /notify} sends a status, then a reply; anything else is answered {@code echo: <text>}.
 */
final class FakeTurns {

    static final List<String> STREAM = List.of("Streaming ", "is ", "how ", "a ", "model's ", "answer ", "reaches ", "you.");
    static final String STREAM_TEXT = String.join("", STREAM);

    private static final Map<String, Long> SEQS = new ConcurrentHashMap<>();

    private FakeTurns() {
    }

    static void answer(InboundMessage m, EventPublisher publisher, ScheduledExecutorService scheduler) {
        if (m.channel().equals("web") || m.channel().equals("api")) {
            return;
        }
        List<OutboundEvent> turn = new ArrayList<>();
        switch (m.text()) {
            case "/stream" -> {
                String streamId = m.eventId() + "-stream";
                for (int i = 0; i < STREAM.size(); i++) {
                    turn.add(StreamChunk.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), streamId, i, STREAM.get(i)));
                }
                turn.add(StreamEnd.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), streamId, STREAM.size(), STREAM_TEXT, false));
            }
            case "/card" -> turn.add(Show.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), choices()));
            case "/long-card" -> turn.add(Show.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), longChoices()));
            case "/connect" -> turn.add(Show.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), integrationPrompt()));
            case "/notify" -> {
                turn.add(Notify.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), "Looking that up…"));
                turn.add(Reply.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), "done looking"));
            }
            default -> turn.add(Reply.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), "echo: " + m.text()));
        }
        turn.add(TurnEnded.of(meta(m), m.eventId(), seq(m), m.channel(), m.route(), turn.size()));
        for (int i = 0; i < turn.size(); i++) {
            OutboundEvent e = turn.get(i);
            scheduler.schedule(() -> publisher.publish(Topics.OUTBOUND_CHANNELS, e), i * 40L, TimeUnit.MILLISECONDS);
        }
    }

    /** A choice list as session-service writes a {@code ChoiceList} block. */
    static ObjectNode choices() {
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        block.put("prompt", "Ship it?");
        block.putArray("choices").add(choice("Yes", "yes")).add(choice("Not yet", "later"));
        block.put("kind", "choice_list");
        block.put("fallbackText", "Ship it?\n- Yes\n- Not yet");
        return block;
    }

    /** A choice list whose second value is longer than a Telegram button can carry. */
    static ObjectNode longChoices() {
        ObjectNode block = JsonNodeFactory.instance.objectNode();
        block.put("prompt", "Which plan?");
        block.putArray("choices").add(choice("Basic", "basic")).add(choice("Team", LONG_VALUE));
        block.put("kind", "choice_list");
        block.put("fallbackText", "Which plan?\n- Basic\n- Team");
        return block;
    }

    static final String CONNECT_URL = "http://localhost:8080/integrations/github/connect?ticket=abc123";

    /** An integration prompt as the show event carries it: its link is for the provider to open, not a value to press. */
    static ObjectNode integrationPrompt() {
        return JsonNodeFactory.instance.objectNode().put("kind", "integration_prompt").put("integration", "github")
                .put("label", "Connect GitHub").put("url", CONNECT_URL).put("text", "Connect GitHub to go on.");
    }

    static final String LONG_VALUE = "plan=team;seats=25;billing=yearly;coupon=WINTER-2026-EARLY-BIRD;region=eu-west";

    private static ObjectNode choice(String label, String value) {
        return JsonNodeFactory.instance.objectNode().put("label", label).put("value", value);
    }

    static EventMeta meta(InboundMessage m) {
        return EventMeta.next(m.sessionId(), m.trace());
    }

    static long seq(InboundMessage m) {
        return SEQS.merge(m.sessionId(), 1L, Long::sum);
    }
}
