package dev.capsule.events;

/**
 * The event schema version, {@code MAJOR.MINOR}. A new minor version only adds fields,
 * which older readers ignore; a new major version is a break that readers must refuse.
 */
public final class SchemaVersion {

    /** The major version this code reads and writes. */
    public static final int MAJOR = 1;

    /**
     * The minor version this code writes. 1.1 added {@code StateChanged.snapshot}; 1.2 added
     * {@code DocumentChanged}; 1.3 added {@code ProactiveMessage}; 1.4 added {@code InboundCancel}; 1.5 added
     * {@code InboundMessage.action} (a button press); 1.6 added {@code InboundClose} and
     * {@code SessionSnapshot.closedAt}; 1.7 added {@code InboundClose.reason} (the idle reaper's closes) and
     * {@code InboundDue} (a scheduled job's due time); 1.8 added {@code SessionSnapshot.handledUpTo} (the inbound
     * position of the last message a session handled); 1.9 added {@code InboundConnected} (a user connected an
     * integration) and {@code InboundLinked} (a channel identity linked to an app user).
     */
    public static final int MINOR = 9;

    /** The version written into every event produced by this code. */
    public static final String CURRENT = MAJOR + "." + MINOR;

    private SchemaVersion() {
    }

    /**
     * The major part of a version string such as {@code "1.3"}.
     *
     * @throws EventDecodingException when the string is not {@code MAJOR.MINOR}
     */
    public static int majorOf(String version) {
        int dot = version.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (NumberFormatException e) {
            throw new EventDecodingException("schemaVersion '" + version + "' is not of the form MAJOR.MINOR", e);
        }
    }
}
