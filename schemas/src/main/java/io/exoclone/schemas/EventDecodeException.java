package io.exoclone.schemas;

/**
 * Bytes that are not a valid exoclone event. Unchecked; the message names the concrete values so
 * that it can go verbatim into {@link DeadLetter#getReason()}.
 */
public class EventDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Reason {
        /** Fewer bytes than the 10-byte single-object header (or no bytes at all). */
        TOO_SHORT,
        /** The first two bytes are not the single-object marker {@code C3 01}. */
        BAD_MARKER,
        /** The schema fingerprint in the header belongs to no schema this codec knows. */
        UNKNOWN_FINGERPRINT,
        /** The body ends before the record does. */
        TRUNCATED_BODY,
        /** The body does not parse as its schema says, or bytes follow the record. */
        MALFORMED_BODY,
        /** The event is valid but not of the type the caller asked for. */
        UNEXPECTED_TYPE
    }

    private final Reason reason;

    public EventDecodeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public EventDecodeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
