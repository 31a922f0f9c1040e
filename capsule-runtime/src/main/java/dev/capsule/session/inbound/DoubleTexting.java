package dev.capsule.session.inbound;

/**
 * What happens when a user writes again while their previous turn still runs (still
 * streaming, say). Set with {@code capsule.session.double-texting}.
 */
public enum DoubleTexting {

    /** The new message waits its turn; every message gets its own answer. The default. */
    QUEUE,

    /** The running turn is cut short (its streams end as cancelled); then the new message runs. */
    INTERRUPT,

    /** Messages that arrive while a turn runs are answered together, in one turn, once it ends. */
    COALESCE
}
