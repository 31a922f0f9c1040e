package dev.capsule.bench.capsule;

import dev.capsule.bench.load.MessageKind;
import dev.capsule.bench.load.Mix;
import dev.capsule.bench.load.Planned;
import dev.capsule.bench.load.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * A step's sessions and messages, made before its first send: {@code messages[i]} is the open
 * loop's message i, already listed in its session's ledger.
 *
 * @param ledgers  the step's sessions, session {@code k} of the workload at index k
 * @param messages the messages in sending order
 */
record StepPlan(List<SessionLedger> ledgers, SentMessage[] messages) {

    /**
     * {@code count} messages of {@code mix} from {@code seed}, {@code perSession} to a session, the sessions named
     * {@code idPrefix-k} on the transport {@code mix} gives session k; every {@code probeEvery}-th plain message
     * over HTTP is followed into the history (0: none).
     */
    static StepPlan of(String idPrefix, long seed, int count, int perSession, Mix mix, StepMetrics metrics, int probeEvery) {
        List<SessionLedger> ledgers = new ArrayList<>();
        for (int k = 0; k < Workload.sessions(count, perSession); k++) {
            ledgers.add(new SessionLedger(idPrefix + "-" + k, transport(mix, k), metrics));
        }
        SentMessage[] messages = new SentMessage[count];
        int plainHttp = 0;
        for (Planned p : Workload.plan(seed, count, perSession, mix)) {
            SessionLedger session = ledgers.get(p.session());
            boolean probe = probeEvery > 0 && session.transport.http() && p.kind() == MessageKind.PLAIN
                    && plainHttp++ % probeEvery == 0;
            messages[p.slot()] = new SentMessage(session, p, probe);
            session.messages.add(messages[p.slot()]);
        }
        return new StepPlan(ledgers, messages);
    }

    /** The plain workload all on the JSON API; the streams all on chat sockets; the mix half and half. */
    private static Transport transport(Mix mix, int session) {
        return mix == Mix.PLAIN ? Transport.HTTP_JSON : mix == Mix.STREAMS || session % 2 == 1 ? Transport.WS : Transport.HTTP;
    }
}
