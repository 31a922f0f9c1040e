package dev.capsule.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads an event's instants, reading the form every Capsule service writes ({@code 2026-11-30T16:08:15.139817463Z}:
 * UTC, 0 to 9 digits of fraction) by hand, and leaving every other form to Jackson's own reader, which gives the
 * same instant or the same error. Why by hand: Jackson's reader goes through {@code DateTimeFormatter}, some
 * 400 ns an instant, and a session's snapshot carries one per history line (41 in a 6 kB {@code StateChanged}):
 * a third of the time to decode it. By hand, that event decodes about three times faster
 * ({@code UtcInstantsTest} holds the forms; docs/performance.md the measurement).
 */
final class UtcInstants extends JsonDeserializer<Instant> {

    private static final int SHORTEST = "2026-11-30T16:08:15Z".length();
    private static final int LONGEST = "2026-11-30T16:08:15.123456789Z".length();

    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            Instant read = parse(parser.getText());
            if (read != null) {
                return read;
            }
        }
        return InstantDeserializer.INSTANT.deserialize(parser, context);
    }

    @Override
    public Class<?> handledType() {
        return Instant.class;
    }

    /** The instant {@code text} writes in the form Capsule writes, or null when it is in any other form or invalid. */
    static Instant parse(String text) {
        int length = text.length();
        if (length < SHORTEST || length > LONGEST || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || text.charAt(length - 1) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int nanos = 0;
        if (length > SHORTEST) {
            int fractionDigits = length - SHORTEST - 1;
            if (text.charAt(19) != '.' || fractionDigits == 0) {
                return null;
            }
            nanos = digits(text, 20, fractionDigits);
            if (nanos < 0) {
                return null;
            }
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            // Out of range (a 13th month, a leap second's :60): Jackson's reader decides, and names the problem.
            return null;
        }
    }

    /** The decimal number in {@code text} from {@code from}, {@code count} digits long, or -1 if one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
