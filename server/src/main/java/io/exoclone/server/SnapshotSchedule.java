package io.exoclone.server;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Snapshots of named volumes at a fixed interval, each only when the volume changed since its last
 * snapshot: {@code serve --volume NAME --every DURATION}, and the snapshots a {@code replicate} of
 * a served pool asks for. One thread; {@link #close()} stops it between two snapshots.
 *
 * <p>A snapshot contains exactly the writes the pool acknowledged before it (the pool serializes
 * writes and snapshots), whoever made them: NBD clients, forwarded CLI verbs.
 */
public final class SnapshotSchedule implements ServiceComponent {
    private final Pool pool;
    private final List<String> volumes;
    private final Duration every;
    private final Consumer<String> notices;
    private final Consumer<String> warnings;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private String lastWarning;

    private SnapshotSchedule(
            Pool pool,
            List<String> volumes,
            Duration every,
            Consumer<String> notices,
            Consumer<String> warnings) {
        this.pool = pool;
        this.volumes = List.copyOf(volumes);
        this.every = every;
        this.notices = notices;
        this.warnings = warnings;
        this.thread = new Thread(this::loop, "exoclone-snapshots");
        this.thread.setDaemon(true);
    }

    /**
     * Checks that every volume exists, then takes the first round of snapshots at once and one
     * every {@code every}.
     *
     * @param notices told {@code Snapshot UUID of volume 'NAME'} for every snapshot taken
     * @param warnings told why a round failed (a volume deleted meanwhile); a repeat of the same
     *     message is not told again
     * @throws io.exoclone.engine.NotFoundException when a volume does not exist
     * @throws IllegalArgumentException when {@code every} is not positive
     */
    public static SnapshotSchedule start(
            Pool pool,
            List<String> volumes,
            Duration every,
            Consumer<String> notices,
            Consumer<String> warnings) {
        Objects.requireNonNull(pool, "pool");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("The snapshot interval must be positive: " + every);
        }
        for (String v : volumes) {
            pool.volume(v);
        }
        SnapshotSchedule s = new SnapshotSchedule(pool, volumes, every, notices, warnings);
        s.thread.start();
        return s;
    }

    /** The line for a snapshot the schedule took. */
    public static String notice(Snapshot s) {
        return "Snapshot " + s.id() + " of volume '" + s.volume() + "'";
    }

    /**
     * Snapshots a volume unless its content equals its base snapshot's.
     *
     * @return the new snapshot, or empty when the volume did not change
     */
    public static Optional<Snapshot> snapshotIfChanged(Pool pool, String name) {
        Volume v = pool.volume(name);
        Optional<UUID> base = v.baseSnapshotId();
        if (base.isPresent()) {
            Optional<Snapshot> b = pool.findSnapshot(base.get());
            if (b.isPresent() && Arrays.equals(b.get().rootHash(), v.rootHash())) {
                return Optional.empty();
            }
        }
        return Optional.of(pool.snapshot(name, null));
    }

    /** One round now: a snapshot of every volume that changed, in order; returns them. */
    public List<Snapshot> snapshotChanged() {
        List<Snapshot> taken = new ArrayList<>();
        for (String v : volumes) {
            Optional<Snapshot> s = snapshotIfChanged(pool, v);
            if (s.isPresent()) {
                taken.add(s.get());
                notices.accept(notice(s.get()));
            }
        }
        return taken;
    }

    private void loop() {
        try {
            do {
                try {
                    snapshotChanged();
                    lastWarning = null;
                } catch (RuntimeException e) {
                    String m = "scheduled snapshot failed: " + e.getMessage();
                    if (!m.equals(lastWarning)) {
                        warnings.accept(m);
                        lastWarning = m;
                    }
                }
            } while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String describe() {
        return "snapshots of " + String.join(", ", volumes) + " every " + every(every);
    }

    /** A duration as the command line writes it: {@code 5s}, {@code 500ms}, {@code 2m}. */
    static String every(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** Stops the schedule; a round in progress finishes first. */
    @Override
    public void close() {
        stop.countDown();
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
