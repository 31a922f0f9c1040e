package dev.capsule.adapters.outbound;

import dev.capsule.adapters.config.BoundChannel;
import dev.capsule.events.Notify;
import dev.capsule.events.OutboundEvent;
import dev.capsule.events.Reply;
import dev.capsule.events.Show;
import dev.capsule.events.StreamChunk;
import dev.capsule.events.StreamEnd;
import dev.capsule.events.TurnEnded;
import dev.capsule.events.TurnFailed;
import dev.capsule.kafka.MessageTraces;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns one outbound event into provider calls, the same way for every provider: a reply is
 * one message (split where the provider's limit demands), a notify is a typing status, a
 * show is a native block, and a stream is one message edited in place as chunks arrive (at
 * most once per {@code stream-edit-interval}) and finally set to the whole text, or, where
 * the provider cannot edit, the finished message only. A typing status that fails is logged,
 * not dead-lettered: it would be stale by the time anyone looked.
 *
 * <p>Each event that sends something new is sent at most once, across crashes and replicas,
 * by its {@link DeliveryRecords}: done events are skipped, and an event whose earlier attempt
 * has no known outcome is dead-lettered rather than sent again.
 */
@ApplicationScoped
public class Deliverer {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Deliverer.class);

    private final DeliveryRecords records;
    private final MessageTraces traces;

    Deliverer(DeliveryRecords records, MessageTraces traces) {
        this.records = records;
        this.traces = traces;
    }

    /** Delivers {@code event}, in a span of the message's trace; throws {@link DeliveryException} when it cannot. */
    public void deliver(BoundChannel channel, ProviderApi api, Target target, OutboundEvent event, Streams streams) {
        traces.within("capsule deliver " + channel.name(), event.trace(), () -> deliverNow(channel, api, target, event, streams));
    }

    private void deliverNow(BoundChannel channel, ProviderApi api, Target target, OutboundEvent event, Streams streams) {
        switch (event) {
            case Reply r -> once(r.eventId(), () -> sendLong(api, target, r.text()));
            case TurnFailed f -> {
                if (f.message() != null && !f.message().isBlank()) {
                    once(f.eventId(), () -> sendLong(api, target, f.message()));
                }
            }
            case Notify n -> {
                try {
                    api.typing(target, n.text());
                } catch (DeliveryException e) {
                    // A status is a courtesy, gone in seconds anyway: not worth a dead letter.
                    LOG.warnf("typing status in %s not shown: %s", channel.name(), e.getMessage());
                }
            }
            case Show s -> once(s.eventId(), () -> api.show(target, s.block()));
            case StreamChunk c -> chunk(channel, api, target, c, streams);
            case StreamEnd end -> once(end.eventId(), () -> finish(channel, api, target, end, streams));
            case TurnEnded ignored -> {
                // Nothing to show: the user saw the turn's messages.
            }
        }
    }

    /** Sends what the edit interval held back of a stream, when its time has come. */
    public void flush(BoundChannel channel, ProviderApi api, Target target, Stream stream) {
        if (stream.dirty && stream.messageId != null) {
            edit(channel, api, target, stream, stream.text.toString());
        }
    }

    private void once(String eventId, Supplier<String> send) {
        if (records.done(eventId)) {
            return;
        }
        if (!records.claimAttempt(eventId)) {
            throw DeliveryException.ambiguous("an earlier attempt to send event " + eventId
                    + " ended without a known outcome (a replica stopped mid-call); not sent again", null);
        }
        records.markDone(eventId, send.get());
    }

    private String sendLong(ProviderApi api, Target target, String text) {
        List<String> parts = split(text.isBlank() ? "…" : text, api.maxTextLength());
        String first = null;
        for (String part : parts) {
            String id = api.send(target, part);
            first = first == null ? id : first;
        }
        return first;
    }

    private void chunk(BoundChannel channel, ProviderApi api, Target target, StreamChunk c, Streams streams) {
        Stream s = streams.open(channel, c.streamId(), () -> records.stream(channel.name(), c.streamId()));
        if (c.index() < s.next || s.broken) {
            return; // already shown (a redelivery after a crash), or its first send's outcome is unknown
        }
        s.text.append(c.text());
        s.next = c.index() + 1;
        if (!api.canEdit()) {
            return; // the finished message only
        }
        if (s.messageId == null) {
            if (s.text.toString().isBlank()) {
                return;
            }
            if (!records.claimAttempt("stream:" + c.streamId())) {
                s.broken = true;
                throw DeliveryException.ambiguous("an earlier attempt to open stream " + c.streamId()
                        + " ended without a known outcome; its chunks are not shown, so that no message doubles", null);
            }
            String visible = head(s.text.toString(), api.maxTextLength());
            s.messageId = api.send(target, visible);
            s.shown = visible;
            s.lastEdit = System.nanoTime();
            save(channel, c.streamId(), s);
        } else {
            s.dirty = true;
            if (System.nanoTime() - s.lastEdit >= channel.streamEditInterval().toNanos()) {
                edit(channel, api, target, s, s.text.toString());
            }
        }
    }

    private String finish(BoundChannel channel, ProviderApi api, Target target, StreamEnd end, Streams streams) {
        Stream s = streams.close(end.streamId(), () -> records.stream(channel.name(), end.streamId()));
        if (s != null && s.broken) {
            throw DeliveryException.ambiguous("stream " + end.streamId() + " was not shown (its first send's outcome is unknown);"
                    + " its end is not sent either, so that no message doubles", null);
        }
        String whole = end.text();
        String id;
        if (api.canEdit() && s != null && s.messageId != null) {
            List<String> parts = split(whole.isBlank() ? "…" : whole, api.maxTextLength());
            if (!parts.getFirst().equals(s.shown)) {
                api.edit(target, s.messageId, parts.getFirst());
            }
            for (String more : parts.subList(1, parts.size())) {
                api.send(target, more);
            }
            id = s.messageId;
        } else if (api.canEdit() && !records.claimAttempt("stream:" + end.streamId())) {
            throw DeliveryException.ambiguous("an earlier attempt to open stream " + end.streamId()
                    + " ended without a known outcome; its end is not sent, so that no message doubles", null);
        } else {
            id = sendLong(api, target, whole);
        }
        records.forgetStream(channel.name(), end.streamId());
        return id;
    }

    private void edit(BoundChannel channel, ProviderApi api, Target target, Stream s, String text) {
        String visible = head(text, api.maxTextLength());
        s.dirty = false;
        s.lastEdit = System.nanoTime();
        if (!visible.equals(s.shown)) {
            api.edit(target, s.messageId, visible);
            s.shown = visible;
            save(channel, s.streamId, s);
        }
    }

    private void save(BoundChannel channel, String streamId, Stream s) {
        Map<String, String> state = new HashMap<>();
        state.put("messageId", s.messageId);
        state.put("shown", s.shown);
        state.put("text", s.text.toString());
        state.put("next", String.valueOf(s.next));
        records.saveStream(channel.name(), streamId, state);
    }

    private static String head(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** {@code text} in pieces of at most {@code max} characters, cut at a line break or space where one is near. */
    static List<String> split(String text, int max) {
        List<String> parts = new ArrayList<>();
        String rest = text;
        while (rest.length() > max) {
            int cut = Math.max(rest.lastIndexOf('\n', max), rest.lastIndexOf(' ', max));
            if (cut < max / 2) {
                cut = max;
            }
            parts.add(rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
        }
        parts.add(rest);
        return parts;
    }

    /** The open streams of one chat lane; only its lane thread touches them. */
    public static final class Streams {

        private final Map<String, Stream> open = new HashMap<>();

        Stream open(BoundChannel channel, String streamId, Supplier<Map<String, String>> saved) {
            return open.computeIfAbsent(streamId, id -> Stream.of(id, saved.get()));
        }

        Stream close(String streamId, Supplier<Map<String, String>> saved) {
            Stream s = open.remove(streamId);
            if (s == null) {
                Map<String, String> state = saved.get();
                s = state.isEmpty() ? null : Stream.of(streamId, state);
            }
            return s;
        }

        /** The streams with a held-back edit, soonest first. */
        List<Stream> dirty() {
            return open.values().stream().filter(s -> s.dirty).sorted((a, b) -> Long.compare(a.lastEdit, b.lastEdit)).toList();
        }

        boolean isEmpty() {
            return open.isEmpty();
        }
    }

    /** A stream shown by editing one message. */
    public static final class Stream {

        final String streamId;
        final StringBuilder text = new StringBuilder();
        String messageId;
        String shown = "";
        int next;
        long lastEdit;
        boolean dirty;
        boolean broken;

        private Stream(String streamId) {
            this.streamId = streamId;
        }

        static Stream of(String streamId, Map<String, String> saved) {
            Stream s = new Stream(streamId);
            if (saved != null && !saved.isEmpty()) {
                s.messageId = saved.get("messageId");
                s.shown = saved.getOrDefault("shown", "");
                s.text.append(saved.getOrDefault("text", ""));
                s.next = Integer.parseInt(saved.getOrDefault("next", "0"));
            }
            return s;
        }

        long dueAt(long interval) {
            return lastEdit + interval;
        }
    }
}
