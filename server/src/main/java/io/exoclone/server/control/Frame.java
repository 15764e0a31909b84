package io.exoclone.server.control;

import java.nio.charset.StandardCharsets;

/**
 * One message of the control protocol: a type byte and a payload. On the wire: the type (1 byte),
 * the payload length (4 bytes, big-endian, at most {@link #MAX_PAYLOAD}), the payload. Payloads are
 * written and read with {@link Payload}. See docs/design/0009-control-socket.md.
 */
record Frame(byte type, byte[] payload) {
    /** Largest payload either side sends or accepts. */
    static final int MAX_PAYLOAD = 16 << 20;

    /** Largest stdin or stdout chunk in one frame. */
    static final int MAX_CHUNK = 1 << 20;

    // Client to service.
    /** Protocol version and the pool the client means. */
    static final byte HELLO = 1;

    /** Run a command line: arguments, working directory, terminal flag. */
    static final byte RUN = 2;

    /** Bytes of the client's stdin, within what {@link #STDIN_WANT} granted; empty at its end. */
    static final byte STDIN = 3;

    /** The client's Ctrl-C: the command is asked to stop. */
    static final byte INTERRUPT = 4;

    /** Open a feed session: the volumes to snapshot and the interval. */
    static final byte FEED_OPEN = 5;

    /** Start the session's feed and snapshots: the feed's options. */
    static final byte FEED_START = 6;

    /** Stop the session: last snapshots, drain the feed (timeout), close it. */
    static final byte FEED_STOP = 7;

    // Service to client.
    /** Accepted: protocol version, the service's pid, the served pool. */
    static final byte WELCOME = 64;

    /** Bytes the command wrote to stdout. */
    static final byte STDOUT = 65;

    /** Bytes the command wrote to stderr. */
    static final byte STDERR = 66;

    /** The command reads stdin: the client may send this many more bytes of it. */
    static final byte STDIN_WANT = 67;

    /** The command ended with this exit code; the service closes the connection. */
    static final byte EXIT = 68;

    /** Refused or failed: an exit code and one line; the service closes the connection. */
    static final byte ERROR = 69;

    /** The feed session is open (its volumes exist). */
    static final byte FEED_READY = 70;

    /** The session's feed and snapshots run: a description. */
    static final byte FEED_STARTED = 71;

    /** The feed published a snapshot: its UUID and the line {@code stream} prints. */
    static final byte PUBLISHED = 72;

    /** A line for the client's stderr (a snapshot taken, a retry). */
    static final byte NOTICE = 73;

    /** The feed stopped on its own: why. */
    static final byte FEED_FAILED = 74;

    /** The session stopped: the snapshot ids in the pool then, and a warning (or empty). */
    static final byte FEED_STOPPED = 75;

    static Frame of(byte type, Payload.Writer payload) {
        return new Frame(type, payload.toByteArray());
    }

    static Frame text(byte type, String text) {
        return new Frame(type, text.getBytes(StandardCharsets.UTF_8));
    }

    Payload.Reader reader() {
        return new Payload.Reader(payload);
    }

    String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
