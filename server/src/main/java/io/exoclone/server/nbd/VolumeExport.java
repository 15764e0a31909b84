package io.exoclone.server.nbd;

import io.exoclone.engine.Extent;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A volume as a writable export, named after the volume. */
final class VolumeExport implements Export {
    private final Pool pool;
    private final Volume volume;
    private final long size;
    private final UnflushedWrites unflushed;
    private final AtomicLong writes;

    VolumeExport(Pool pool, Volume volume, UnflushedWrites unflushed, AtomicLong writes) {
        this.pool = pool;
        this.volume = volume;
        this.size = volume.size();
        this.unflushed = unflushed;
        this.writes = writes;
    }

    @Override
    public String name() {
        return volume.name();
    }

    @Override
    public String description() {
        return "volume, writable, " + size + " bytes";
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    @Override
    public byte[] read(long offset, int length) {
        return volume.read(offset, length);
    }

    @Override
    public void write(long offset, byte[] data, int length) {
        long resets = pool.resets(); // before: a reset after it is a loss (see UnflushedWrites)
        volume.write(offset, data, 0, length);
        unflushed.noteWrite(resets);
        writes.incrementAndGet();
    }

    @Override
    public void zero(long offset, long length) {
        long resets = pool.resets();
        volume.trim(offset, length);
        unflushed.noteWrite(resets);
        writes.incrementAndGet();
    }

    @Override
    public List<Extent> extents(long startBlock, long endBlock) {
        return volume.extents(startBlock, endBlock);
    }

    @Override
    public Pool.Lease lease(String holder) {
        return pool.leaseVolume(volume.name(), holder);
    }

    @Override
    public long losses() {
        return unflushed.losses();
    }
}
