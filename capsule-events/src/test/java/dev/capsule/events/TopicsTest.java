package dev.capsule.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The topic list lives in Topics alone; the Kubernetes manifests must create exactly those topics. */
class TopicsTest {

    private static final Pattern TOPIC_NAME = Pattern.compile("(?m)^\\s*topicName:\\s*(\\S+)\\s*$");

    @Test
    void kubernetesManifestsCreateExactlyTheTopicsOfTheContract() throws IOException {
        // Surefire runs in the module's folder; the manifests are at the reactor's root.
        String manifests = Files.readString(Path.of("..", "k8s", "base", "topics.yaml"));
        List<String> declared = TOPIC_NAME.matcher(manifests).results().map(m -> m.group(1)).toList();
        assertEquals(Topics.ALL, declared, "k8s/base/topics.yaml must declare every topic of Topics.ALL, in its order");
    }

    @Test
    void webAndApiSessionsAnswerOnTheOutboundTopicAndNamedChannelsOnTheirOwn() {
        assertEquals(Topics.OUTBOUND, Topics.outboundFor("web"));
        assertEquals(Topics.OUTBOUND, Topics.outboundFor("api"));
        assertEquals(Topics.OUTBOUND_CHANNELS, Topics.outboundFor("demo-telegram"));
        assertEquals(Topics.OUTBOUND_CHANNELS, Topics.outboundFor("support-slack"));
    }
}
