package dev.capsule.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads and writes an event's instants in the form every Capsule service writes, {@link Instant#toString()}'s
 * ({@code 2026-11-30T16:08:15.139817463Z}: UTC, no fraction or 3, 6 or 9 digits of it), by hand; every other form
 * read, and every instant outside years 0 to 9999, is left to Jackson's own reader and writer, which give the same
 * instant, text or error. Why by hand: Jackson's go through {@code DateTimeFormatter}, and a session's snapshot
 * carries an instant per history line (41 in a 6 kB {@code StateChanged}): they took 40% of the time to write that
 * event and more than half the time to read it. By hand, the event is written in two thirds of the time and read, with
 * {@link EventCodec}'s straight read, in a third (docs/performance.md).
 */
final class UtcInstants {

    private static final int SHORTEST = "2026-11-30T16:08:15Z".length();
    private static final int LONGEST = "2026-11-30T16:08:15.123456789Z".length();
    private static final long FIRST_SECOND = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long LAST_SECOND = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    private UtcInstants() {
    }

    /** Reads an instant, the form Capsule writes by hand and any other through Jackson's reader. */
    static final class Reader extends JsonDeserializer<Instant> {
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
    }

    /** Writes an instant as {@link Instant#toString()} does, by hand for years 0 to 9999, through Jackson's writer else. */
    static final class Writer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant instant, JsonGenerator generator, SerializerProvider provider) throws IOException {
            if (provider.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    || instant.getEpochSecond() < FIRST_SECOND || instant.getEpochSecond() > LAST_SECOND) {
                InstantSerializer.INSTANCE.serialize(instant, generator, provider);
                return;
            }
            char[] text = new char[LONGEST];
            generator.writeString(text, 0, format(instant, text));
        }

        @Override
        public Class<Instant> handledType() {
            return Instant.class;
        }
    }

    /**
     * Writes {@code instant}, whose year is 0 to 9999, into {@code text} as {@link Instant#toString()} would; returns
     * how many chars it wrote.
     */
    static int format(Instant instant, char[] text) {
        LocalDateTime at = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        put(text, 0, at.getYear(), 4);
        text[4] = '-';
        put(text, 5, at.getMonthValue(), 2);
        text[7] = '-';
        put(text, 8, at.getDayOfMonth(), 2);
        text[10] = 'T';
        put(text, 11, at.getHour(), 2);
        text[13] = ':';
        put(text, 14, at.getMinute(), 2);
        text[16] = ':';
        put(text, 17, at.getSecond(), 2);
        int nanos = instant.getNano();
        int length = SHORTEST - 1;
        if (nanos != 0) {
            // As DateTimeFormatter.ISO_INSTANT: milliseconds, microseconds or nanoseconds, whichever holds it whole.
            text[length++] = '.';
            if (nanos % 1_000_000 == 0) {
                put(text, length, nanos / 1_000_000, 3);
                length += 3;
            } else if (nanos % 1_000 == 0) {
                put(text, length, nanos / 1_000, 6);
                length += 6;
            } else {
                put(text, length, nanos, 9);
                length += 9;
            }
        }
        text[length++] = 'Z';
        return length;
    }

    private static void put(char[] text, int from, int value, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
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
