package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random writes, trims, snapshots, clones, deletes, compactions and reopens across several volumes,
 * checked against a reference model of plain byte arrays, with {@code check} after every phase.
 */
class RandomOpsTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void randomOperationsMatchTheModel(long seed) {
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("pool");
        PoolOptions opts =
                PoolOptions.builder().segmentSize(1 << 20).groupCommitBytes(64 << 10).build();
        Map<String, byte[]> vols = new HashMap<>();
        Map<UUID, byte[]> snaps = new HashMap<>();
        Pool pool = Pool.create(dir, opts);
        try {
            for (int i = 0; i < 3; i++) {
                String name = "v" + i;
                int size = (64 + rnd.nextInt(192)) * BS;
                pool.createVolume(name, size);
                vols.put(name, new byte[size]);
            }
            int cloneNo = 0;
            for (int step = 0; step < 1200; step++) {
                int op = rnd.nextInt(100);
                List<String> names = new ArrayList<>(vols.keySet());
                names.sort(null);
                String name = names.isEmpty() ? null : names.get(rnd.nextInt(names.size()));
                if (name == null) {
                    pool.createVolume("v" + step, 128 * BS);
                    vols.put("v" + step, new byte[128 * BS]);
                } else if (op < 50) {
                    byte[] model = vols.get(name);
                    int off = rnd.nextInt(model.length);
                    int len = 1 + rnd.nextInt(Math.min(model.length - off, 40 * BS));
                    byte[] data = new byte[len];
                    int kind = rnd.nextInt(10);
                    if (kind < 7) {
                        rnd.nextBytes(data);
                    } else if (kind < 9) {
                        int src = rnd.nextInt(model.length - len + 1);
                        System.arraycopy(model, src, data, 0, len); // copied data
                    } // else zeros
                    pool.volume(name).write(off, data);
                    System.arraycopy(data, 0, model, off, len);
                } else if (op < 60) {
                    byte[] model = vols.get(name);
                    int off = rnd.nextInt(model.length);
                    int len = rnd.nextInt(Math.min(model.length - off, 64 * BS) + 1);
                    pool.volume(name).trim(off, len);
                    Arrays.fill(model, off, off + len, (byte) 0);
                } else if (op < 72) {
                    Snapshot s = pool.snapshot(name, rnd.nextInt(4) == 0 ? "t" + step : null);
                    snaps.put(s.id(), vols.get(name).clone());
                    assertThat(s.rootHash()).isEqualTo(pool.volume(name).rootHash());
                } else if (op < 78 && !snaps.isEmpty()) {
                    UUID id = pick(rnd, snaps);
                    String n = "c" + cloneNo++;
                    pool.clone(id, n);
                    vols.put(n, snaps.get(id).clone());
                } else if (op < 83 && !snaps.isEmpty()) {
                    UUID id = pick(rnd, snaps);
                    pool.deleteSnapshot(id);
                    snaps.remove(id);
                } else if (op < 86 && vols.size() > 1) {
                    pool.deleteVolume(name);
                    vols.remove(name);
                } else if (op < 90) {
                    pool.sync();
                } else if (op < 92) {
                    pool.compact();
                } else if (op < 95) {
                    pool.close();
                    pool = Pool.open(dir, opts);
                } else {
                    verify(pool, vols, snaps, rnd);
                }
            }
            verify(pool, vols, snaps, rnd);
            CheckReport report = pool.check();
            assertThat(report.problems()).isEmpty();

            // Reopen: everything synced survives, check still passes.
            pool.close();
            pool = Pool.open(dir, opts);
            verify(pool, vols, snaps, rnd);
            assertThat(pool.check().problems()).isEmpty();

            // Delete everything: all space returns.
            for (String n : new ArrayList<>(vols.keySet())) {
                pool.deleteVolume(n);
            }
            for (UUID id : new ArrayList<>(snaps.keySet())) {
                pool.deleteSnapshot(id);
            }
            pool.sync();
            PoolStats stats = pool.stat();
            assertThat(stats.dataBytesLive()).isZero();
            assertThat(stats.nodePagesLive()).isZero();
            assertThat(pool.check().problems()).isEmpty();
        } finally {
            pool.close();
        }
    }

    private static UUID pick(Random rnd, Map<UUID, byte[]> snaps) {
        List<UUID> ids = new ArrayList<>(snaps.keySet());
        ids.sort(null);
        return ids.get(rnd.nextInt(ids.size()));
    }

    private static void verify(
            Pool pool, Map<String, byte[]> vols, Map<UUID, byte[]> snaps, Random rnd) {
        for (var v : vols.entrySet()) {
            assertSameBytes(
                    "volume " + v.getKey(),
                    v.getValue(),
                    pool.volume(v.getKey()).read(0, v.getValue().length));
        }
        for (var s : snaps.entrySet()) {
            byte[] model = s.getValue();
            int off = rnd.nextInt(model.length);
            int len = rnd.nextInt(model.length - off + 1);
            assertSameBytes(
                    "snapshot " + s.getKey() + " at " + off,
                    Arrays.copyOfRange(model, off, off + len),
                    pool.read(s.getKey(), off, len));
        }
    }

    static void assertSameBytes(String what, byte[] expected, byte[] actual) {
        int at = Arrays.mismatch(expected, actual);
        assertThat(at)
                .as(
                        "%s: first differing byte (expected %d bytes, got %d)",
                        what, expected.length, actual.length)
                .isEqualTo(-1);
    }
}
