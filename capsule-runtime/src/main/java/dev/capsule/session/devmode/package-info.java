/** What the runtime does only in Quarkus dev mode, for an app author's edit-and-try loop. */
package dev.capsule.session.devmode;
