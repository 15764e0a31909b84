package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.util.Optional;

/** A resolved {@code NAME|SNAP} argument: either a writable volume or a snapshot. */
public final class ImageRef {
    private final Volume volume;
    private final Snapshot snapshot;

    private ImageRef(Volume volume, Snapshot snapshot) {
        this.volume = volume;
        this.snapshot = snapshot;
    }

    public static ImageRef of(Volume volume) {
        return new ImageRef(volume, null);
    }

    public static ImageRef of(Snapshot snapshot) {
        return new ImageRef(null, snapshot);
    }

    public Optional<Volume> volume() {
        return Optional.ofNullable(volume);
    }

    public Optional<Snapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /** Logical size of the image in bytes. */
    public long size() {
        return volume != null ? volume.size() : snapshot.size();
    }

    /** Reads part of the image; unwritten ranges read as zeros. */
    public byte[] read(Pool pool, long offset, int length) {
        return volume != null
                ? volume.read(offset, length)
                : pool.read(snapshot.id(), offset, length);
    }

    /** Reads part of the image, checking every extent against its content hash. */
    public byte[] readVerified(Pool pool, long offset, int length) {
        return volume != null
                ? volume.readVerified(offset, length)
                : pool.readVerified(snapshot.id(), offset, length);
    }

    /** For messages: {@code volume 'vm1'} or {@code snapshot <uuid> (vm1@tag)}. */
    public String describe() {
        return volume != null
                ? "volume '" + volume.name() + "'"
                : "snapshot " + Format.snapshot(snapshot);
    }

    @Override
    public String toString() {
        return describe();
    }
}
