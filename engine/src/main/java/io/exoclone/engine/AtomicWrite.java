package io.exoclone.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Writes a stream of unknown length into a volume as one change: one commit makes all of it
 * visible, or nothing changes. The bytes go into a hidden temporary volume that starts as an O(1)
 * copy of the target (same root, shared), with the usual group commits, so memory stays bounded and
 * a stream of any size works; when the stream ends inside the volume, one commit swaps the
 * temporary root in. When it is longer than the room to the end of the volume, or reading it fails,
 * the temporary volume is dropped. After a crash, opening the pool drops it.
 *
 * <p>Other writers (NBD clients, other commands of a served pool) may change the volume meanwhile.
 * Then the swap replays only this write's change (a diff of the temporary volume against the base
 * it started from) onto the volume as it is now: writes are ordered at the swap, the last one wins
 * where two overlap, and nothing another writer acknowledged is lost. A second hidden volume holds
 * the base so that its pages live until the swap.
 */
final class AtomicWrite {
    /** Names of temporary volumes; no user volume can start with '.'. */
    static final String PREFIX = ".write-";

    private static final int CHUNK = 1 << 20;

    private final Pool pool;
    private final String volume;

    AtomicWrite(Pool pool, String volume) {
        this.pool = pool;
        this.volume = volume;
    }

    /** Drops a temporary volume (in the open transaction). */
    static void drop(Engine e, String name) {
        PoolState.VolumeRec t = e.state.volumes.get(name);
        if (t == null) {
            return;
        }
        if (t.root() != 0) {
            e.store.decRef(t.root());
        }
        e.state.removeVolume(name);
        e.pendingIndex.remove(name);
    }

    /** Returns the bytes written; {@code done} is told the running total. */
    long run(long offset, InputStream in, LongConsumer done) {
        String temp = PREFIX + UUID.randomUUID();
        String hold = temp + "-base";
        long[] base = new long[1];
        long size =
                pool.mutateInternal(
                        e -> {
                            PoolState.VolumeRec v = e.volume(volume);
                            if (offset < 0 || offset > v.size()) {
                                throw new InvalidArgumentException(
                                        String.format(
                                                "Offset %d is outside volume '%s' of %d bytes",
                                                offset, volume, v.size()));
                            }
                            for (String name : new String[] {temp, hold}) {
                                if (v.root() != 0) {
                                    e.store.incRef(v.root());
                                }
                                e.state.putVolume(
                                        new PoolState.VolumeRec(
                                                name,
                                                UUID.randomUUID(),
                                                v.size(),
                                                v.root(),
                                                null,
                                                System.currentTimeMillis()));
                            }
                            base[0] = v.root();
                            return v.size();
                        });
        boolean swapped = false;
        try {
            long pos = copy(in, temp, offset, size, done);
            pool.mutateInternal(
                    e -> {
                        swap(e, temp, hold, base[0]);
                        return null;
                    });
            swapped = true;
            return pos - offset;
        } catch (IOException e) {
            throw new ExocloneException(
                    "Cannot read the input for volume '"
                            + volume
                            + "': "
                            + e.getMessage()
                            + "; nothing was written",
                    e);
        } finally {
            if (!swapped) {
                pool.mutateInternal(
                        e -> {
                            drop(e, temp);
                            drop(e, hold);
                            e.commitReclaiming();
                            return null;
                        });
            }
        }
    }

    private long copy(InputStream in, String temp, long offset, long size, LongConsumer done)
            throws IOException {
        byte[] buf = new byte[CHUNK];
        long pos = offset;
        while (true) {
            int want = (int) Math.min(CHUNK - pos % CHUNK, size - pos);
            if (want == 0) {
                if (in.read() >= 0) {
                    throw new InvalidArgumentException(
                            String.format(
                                    "The input is longer than the %d bytes from offset %d to the"
                                            + " end of volume '%s'; nothing was written",
                                    size - offset, offset, volume));
                }
                return pos;
            }
            int n = in.readNBytes(buf, 0, want);
            if (n > 0) {
                pool.write(temp, pos, buf, 0, n);
                pos += n;
                if (done != null) {
                    done.accept(pos - offset);
                }
            }
            if (n < want) {
                return pos;
            }
        }
    }

    private void swap(Engine e, String temp, String hold, long base) throws IOException {
        PoolState.VolumeRec v = e.volume(volume);
        PoolState.VolumeRec t = e.volume(temp);
        Hash128Shards pending = e.pendingIndex.remove(temp);
        if (pending != null) {
            Hash128Shards into = e.pendingIndex.computeIfAbsent(volume, k -> new Hash128Shards());
            pending.forEach(into::putIfAbsent);
        }
        // The trees are swapped or merged below, not written extent by extent: what the pending
        // index holds is checked against the snapshot's tree when one is taken.
        e.pendingUnverified.add(volume);
        if (v.root() == base) {
            // Nobody else wrote: the temporary tree becomes the volume's (its reference moves).
            if (v.root() != 0) {
                e.store.decRef(v.root());
            }
            e.state.putVolume(v.withRoot(t.root()));
            e.state.removeVolume(temp);
        } else {
            // The volume changed meanwhile: replay only this write's change onto it.
            java.util.List<SnapshotDiff.ChangedRange> mine =
                    new Differ(e.store).diff(base, t.root());
            e.state.putVolume(v.withRoot(new Lineage(e).apply(v.root(), t.root(), mine)));
            drop(e, temp);
        }
        drop(e, hold);
        e.commit();
    }
}
