package dev.capsule.bench.load;

/**
 * One message of the workload, before it is sent.
 *
 * @param slot     its place in the send schedule: it leaves at start + slot / rate
 * @param session  which session (0 to N-1) sends it
 * @param position its place among that session's messages, from 1: the turn number the demo app must answer with
 */
public record Planned(int slot, int session, int position, MessageKind kind, String text) {
}
