package io.exoclone.server.nbd;

import io.exoclone.engine.Extent;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import java.util.List;

/**
 * A snapshot as a read-only export, named {@code NAME@TAG} when tagged, else by its UUID. Its
 * content never changes, so any number of connections read it without coordination.
 */
final class SnapshotExport implements Export {
    private final Pool pool;
    private final Snapshot snapshot;

    SnapshotExport(Pool pool, Snapshot snapshot) {
        this.pool = pool;
        this.snapshot = snapshot;
    }

    /** The name a snapshot is listed under. */
    static String nameOf(Snapshot s) {
        return s.tag().map(t -> s.volume() + "@" + t).orElse(s.id().toString());
    }

    @Override
    public String name() {
        return nameOf(snapshot);
    }

    @Override
    public String description() {
        return "snapshot "
                + snapshot.id()
                + " of "
                + snapshot.volume()
                + " taken "
                + snapshot.created()
                + ", read-only, "
                + snapshot.size()
                + " bytes";
    }

    @Override
    public long size() {
        return snapshot.size();
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public byte[] read(long offset, int length) {
        return pool.read(snapshot.id(), offset, length);
    }

    @Override
    public void write(long offset, byte[] data, int length) {
        throw new CommandException(NbdError.EPERM, name() + " is a read-only snapshot");
    }

    @Override
    public void zero(long offset, long length) {
        throw new CommandException(NbdError.EPERM, name() + " is a read-only snapshot");
    }

    @Override
    public List<Extent> extents(long startBlock, long endBlock) {
        return pool.extents(snapshot.id(), startBlock, endBlock);
    }

    @Override
    public Pool.Lease lease(String holder) {
        return pool.leaseSnapshot(snapshot.id(), holder);
    }

    @Override
    public long losses() {
        return 0;
    }
}
