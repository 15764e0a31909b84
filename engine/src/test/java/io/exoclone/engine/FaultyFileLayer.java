package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A file layer that counts every mutating I/O step (write, fsync, truncate, delete, directory sync)
 * and, at a chosen step, fails it or cuts it and "loses power": afterwards every call fails, and
 * {@link #powerLoss} reverts whatever a real disk could have lost (writes since the file's last
 * fsync). Thread-safe: steps are counted in the order they take the layer's lock.
 */
final class FaultyFileLayer implements FileLayer {
    enum Mode {
        /** The step throws an IOException; nothing is lost. */
        FAIL,
        /** Power is lost before the step; unsynced writes vanish. */
        CRASH_LOSE_UNSYNCED,
        /** Power is lost after the step; every write so far reached the disk. */
        CRASH_KEEP_ALL,
        /** The step's write is torn in half, then power is lost; unsynced writes vanish. */
        CRASH_TORN
    }

    private record Undo(long position, byte[] old, long oldSize) {}

    private final FileLayer real = RealFileLayer.INSTANCE;
    private final long failAt;
    private final Mode mode;
    private long steps;
    private boolean dead;
    private final Map<Path, List<Undo>> unsynced = new HashMap<>();

    FaultyFileLayer(long failAt, Mode mode) {
        this.failAt = failAt;
        this.mode = mode;
    }

    private volatile long forceDelayMillis;

    /** From now on every fsync first waits this long (a slow disk), outside the layer's lock. */
    void delayForces(long millis) {
        forceDelayMillis = millis;
    }

    private void delayForce() {
        long d = forceDelayMillis;
        if (d > 0) {
            try {
                Thread.sleep(d);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    synchronized long steps() {
        return steps;
    }

    synchronized boolean fired() {
        return steps >= failAt;
    }

    /** Reverts every write a power loss could have lost. */
    synchronized void powerLoss() throws IOException {
        for (var e : unsynced.entrySet()) {
            List<Undo> undos = e.getValue();
            if (!real.exists(e.getKey())) {
                continue;
            }
            try (Handle h = real.open(e.getKey(), false)) {
                for (int i = undos.size() - 1; i >= 0; i--) {
                    Undo u = undos.get(i);
                    h.write(ByteBuffer.wrap(u.old), u.position);
                    h.truncate(u.oldSize);
                }
            }
        }
        unsynced.clear();
    }

    /** Counts a step; returns true when this step is the faulty one. */
    private boolean step() throws IOException {
        if (dead) {
            throw new IOException("injected: power is off");
        }
        steps++;
        if (steps != failAt) {
            return false;
        }
        switch (mode) {
            case FAIL:
                throw new IOException("injected failure at step " + steps);
            case CRASH_LOSE_UNSYNCED:
                dead = true;
                throw new IOException("injected power loss at step " + steps);
            default:
                return true;
        }
    }

    private void die() throws IOException {
        dead = true;
        throw new IOException("injected power loss after step " + steps);
    }

    @Override
    public Handle open(Path path, boolean create) throws IOException {
        if (dead) {
            throw new IOException("injected: power is off");
        }
        Handle h = real.open(path, create);
        return new Handle() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                synchronized (FaultyFileLayer.this) {
                    boolean faulty = step();
                    int len = src.remaining();
                    long size = h.size();
                    ByteBuffer old =
                            ByteBuffer.allocate((int) Math.max(0, Math.min(len, size - position)));
                    h.read(old, position);
                    unsynced.computeIfAbsent(path, k -> new ArrayList<>())
                            .add(new Undo(position, old.array(), size));
                    if (faulty && mode == Mode.CRASH_TORN) {
                        ByteBuffer half = src.duplicate();
                        half.limit(half.position() + len / 2);
                        h.write(half, position);
                        powerLossAfterTear(path, position, len / 2);
                        die();
                    }
                    h.write(src, position);
                    if (faulty) {
                        die();
                    }
                }
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                synchronized (FaultyFileLayer.this) {
                    if (dead) {
                        throw new IOException("injected: power is off");
                    }
                    return h.read(dst, position);
                }
            }

            @Override
            public long size() throws IOException {
                synchronized (FaultyFileLayer.this) {
                    if (dead) {
                        throw new IOException("injected: power is off");
                    }
                    return h.size();
                }
            }

            @Override
            public void truncate(long size) throws IOException {
                synchronized (FaultyFileLayer.this) {
                    boolean faulty = step();
                    long old = h.size();
                    if (size < old) {
                        ByteBuffer cut = ByteBuffer.allocate((int) (old - size));
                        h.read(cut, size);
                        unsynced.computeIfAbsent(path, k -> new ArrayList<>())
                                .add(new Undo(size, cut.array(), old));
                    }
                    h.truncate(size);
                    if (faulty) {
                        die();
                    }
                }
            }

            @Override
            public void force() throws IOException {
                delayForce();
                synchronized (FaultyFileLayer.this) {
                    boolean faulty = step();
                    h.force();
                    unsynced.remove(path);
                    if (faulty) {
                        die();
                    }
                }
            }

            @Override
            public void close() throws IOException {
                h.close();
            }
        };
    }

    /** A torn write keeps its first half: drop it from the undo list's last entry. */
    private void powerLossAfterTear(Path path, long position, int kept) {
        // The undo record restores the old bytes of the whole range; trim it so the torn half
        // that reached the disk stays (a torn write is part new, part old).
        List<Undo> undos = unsynced.get(path);
        Undo last = undos.remove(undos.size() - 1);
        if (last.old.length > kept) {
            byte[] rest = java.util.Arrays.copyOfRange(last.old, kept, last.old.length);
            undos.add(new Undo(position + kept, rest, Math.max(last.oldSize, position + kept)));
        } else {
            undos.add(
                    new Undo(
                            position + kept, new byte[0], Math.max(last.oldSize, position + kept)));
        }
    }

    @Override
    public boolean exists(Path path) {
        return real.exists(path);
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        boolean faulty = step();
        real.delete(path);
        unsynced.remove(path);
        if (faulty) {
            die();
        }
    }

    @Override
    public void createDirectories(Path path) throws IOException {
        real.createDirectories(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return real.list(dir);
    }

    /** An I/O call of the real layer. */
    private interface Call<T> {
        T run() throws IOException;
    }

    /** Counts one step around a call of the real layer, failing or cutting it when it is due. */
    private synchronized <T> T stepped(Call<T> call) throws IOException {
        boolean faulty = step();
        T result = call.run();
        if (faulty) {
            die();
        }
        return result;
    }

    @Override
    public StagedFile.Method cloneOrCopy(Path source, Path target) throws IOException {
        return stepped(() -> real.cloneOrCopy(source, target));
    }

    @Override
    public boolean moveAtomically(Path source, Path target) throws IOException {
        return stepped(() -> real.moveAtomically(source, target));
    }

    @Override
    public void link(Path existing, Path link) throws IOException {
        stepped(
                () -> {
                    real.link(existing, link);
                    return null;
                });
    }

    @Override
    public boolean punchHole(Path file, long offset, long length) throws IOException {
        // A punched range is dead in the committed state, so a power loss need not undo it.
        return stepped(() -> real.punchHole(file, offset, length));
    }

    @Override
    public void preallocate(Path file, long length) throws IOException {
        stepped(
                () -> {
                    real.preallocate(file, length);
                    return null;
                });
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        stepped(
                () -> {
                    real.syncDirectory(dir);
                    return null;
                });
    }
}
