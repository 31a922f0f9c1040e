package dev.capsule.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * N sessions × M messages, the same for the same seed, of the kinds a {@link Mix} draws.
 * The schedule goes round by round, each session once per round in a shuffled order, so that
 * every session's messages are spread over the whole step (a user writes now and then, not in a
 * burst) and always leave in the session's own order.
 */
public final class Workload {

    private Workload() {
    }

    public static List<Planned> plan(long seed, int messages, int perSession) {
        return plan(seed, messages, perSession, Mix.MIXED);
    }

    public static List<Planned> plan(long seed, int messages, int perSession, Mix mix) {
        if (messages < 1 || perSession < 1) {
            throw new IllegalArgumentException("a workload needs at least one message and one message per session");
        }
        int sessions = (messages + perSession - 1) / perSession;
        Random random = new Random(seed);
        List<Integer> order = new ArrayList<>(sessions);
        for (int s = 0; s < sessions; s++) {
            order.add(s);
        }
        List<Planned> plan = new ArrayList<>(messages);
        for (int round = 1; plan.size() < messages; round++) {
            Collections.shuffle(order, random);
            for (int s : order) {
                if (plan.size() == messages) {
                    break;
                }
                MessageKind kind = mix.kindOf(random.nextInt(100));
                plan.add(new Planned(plan.size(), s, round, kind, kind.text(s, round)));
            }
        }
        return plan;
    }


    /** How many sessions {@link #plan} spreads {@code messages} over. */
    public static int sessions(int messages, int perSession) {
        return (messages + perSession - 1) / perSession;
    }
}
