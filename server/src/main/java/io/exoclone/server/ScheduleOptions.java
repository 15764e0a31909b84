package io.exoclone.server;

import io.exoclone.cli.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --volume NAME ... --every DURATION}: the volumes to snapshot at an interval when they
 * changed, as {@code serve}, {@code stream} and {@code replicate} take them (a picocli mixin; see
 * {@link SnapshotSchedule}).
 */
public final class ScheduleOptions {
    @Option(
            names = {"-v", "--volume"},
            paramLabel = "NAME",
            description =
                    "Snapshot this volume every --every when it changed since its last snapshot"
                            + " (repeatable).")
    List<String> volumes = new ArrayList<>();

    @Option(
            names = "--every",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "Snapshot interval for --volume (default: ${DEFAULT-VALUE}).")
    Duration every;

    /** The volumes, in the order given. */
    public List<String> volumes() {
        return List.copyOf(volumes);
    }

    /** The interval. */
    public Duration every() {
        return every;
    }
}
