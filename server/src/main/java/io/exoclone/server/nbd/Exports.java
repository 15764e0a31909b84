package io.exoclone.server.nbd;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exports of a pool, looked up by name as the CLI does: a volume of that name wins; otherwise a
 * snapshot by {@code NAME@TAG}, UUID or unique UUID prefix. Keeps one {@link UnflushedWrites} per
 * volume, shared by all its connections.
 */
final class Exports {
    private final Pool pool;
    private final Map<UUID, UnflushedWrites> unflushed = new ConcurrentHashMap<>();
    private final AtomicLong writes = new AtomicLong();

    Exports(Pool pool) {
        this.pool = pool;
    }

    Pool pool() {
        return pool;
    }

    /**
     * The export of that name.
     *
     * @throws OptionException with {@code NBD_REP_ERR_UNKNOWN} naming what was not found
     */
    Export resolve(String name) {
        if (name.isEmpty()) {
            throw new OptionException(
                    OptionReply.ERR_UNKNOWN,
                    "No default export in pool "
                            + pool.directory()
                            + ": name a volume or a snapshot, as in nbd://HOST:PORT/vm1");
        }
        try {
            Optional<Volume> v = pool.findVolume(name);
            if (v.isPresent()) {
                return volume(v.get());
            }
            return new SnapshotExport(pool, pool.resolveSnapshot(name));
        } catch (NotFoundException | InvalidArgumentException e) {
            throw new OptionException(
                    OptionReply.ERR_UNKNOWN,
                    "No volume or snapshot named '"
                            + name
                            + "' in pool "
                            + pool.directory()
                            + (e instanceof InvalidArgumentException ? ": " + e.getMessage() : ""));
        }
    }

    private Export volume(Volume v) {
        return new VolumeExport(
                pool, v, unflushed.computeIfAbsent(v.id(), id -> new UnflushedWrites()), writes);
    }

    /** Every export: volumes by name, then snapshots oldest first. */
    List<Export> list() {
        List<Export> out = new ArrayList<>();
        for (Volume v : pool.volumes()) {
            out.add(volume(v));
        }
        for (Snapshot s : pool.snapshots()) {
            out.add(new SnapshotExport(pool, s));
        }
        return out;
    }

    /** Writes (and zeroings) applied through any export so far. */
    long writes() {
        return writes.get();
    }

    /** Before a commit: takes the writes it must make durable (see {@link UnflushedWrites}). */
    void beginCommit() {
        for (UnflushedWrites u : unflushed.values()) {
            u.beginCommit();
        }
    }

    /** After a successful commit, with the pool's reset count after it. */
    void committed(long resets) {
        for (UnflushedWrites u : unflushed.values()) {
            u.committed(resets);
        }
    }
}
