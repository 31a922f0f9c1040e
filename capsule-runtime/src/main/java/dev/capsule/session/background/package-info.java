/**
 * Background tasks: work a handler starts that outlives its turn. The runtime's {@code ManagedExecutor}
 * carries the current session to such a task ({@link dev.capsule.session.background.SessionContextProvider}).
 */
package dev.capsule.session.background;
