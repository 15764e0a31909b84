package io.exoclone.cli;

import io.exoclone.engine.Snapshot;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Shared text formats of the command line's output. */
public final class Format {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Format() {}

    /** {@code <uuid> (vm1@tag)} or {@code <uuid> (vm1)}. */
    public static String snapshot(Snapshot s) {
        return s.id() + " (" + ref(s) + ")";
    }

    /** {@code vm1@tag}, or the volume name for an untagged snapshot. */
    public static String ref(Snapshot s) {
        return s.volume() + s.tag().map(t -> "@" + t).orElse("");
    }

    /** The first 8 hex digits of a UUID, as in {@code git log --oneline}. */
    public static String shortId(UUID id) {
        return id.toString().substring(0, 8);
    }

    /** A UTC timestamp to the second: {@code 2026-11-25 01:02:03Z}. */
    public static String time(Instant t) {
        return TIME.format(t.truncatedTo(ChronoUnit.SECONDS));
    }
}
