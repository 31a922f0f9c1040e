package dev.capsule.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;

/** The whole report as JSON, for tools and for comparing runs; figures with no data are "NaN". */
public final class JsonReport {

    private JsonReport() {
    }

    public static void write(Report report, Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
    }
}
