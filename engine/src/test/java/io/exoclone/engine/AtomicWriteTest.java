package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streamed write is one change, and other writers of the volume meanwhile lose nothing. */
class AtomicWriteTest {
    private static final int MIB = 1 << 20;

    @TempDir Path tmp;

    /** Yields {@code data}; after {@code at} bytes runs {@code meanwhile} once (another writer). */
    private static InputStream stream(byte[] data, int at, Runnable meanwhile) {
        return new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(data);
            private int pos;
            private boolean ran;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (!ran && pos >= at) {
                    ran = true;
                    meanwhile.run();
                }
                int n = in.read(b, off, Math.min(len, Math.max(1, at - pos > 0 ? at - pos : len)));
                if (n > 0) {
                    pos += n;
                }
                return n;
            }
        };
    }

    @Test
    void writesOfOthersDuringTheStreamAreKeptAndTheStreamWinsWhereTheyOverlap() {
        Random rnd = new Random(7);
        byte[] data = new byte[3 * MIB];
        rnd.nextBytes(data);
        byte[] other = new byte[64 << 10];
        rnd.nextBytes(other);
        byte[] overlap = new byte[8192];
        Arrays.fill(overlap, (byte) 0x5a);
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("vm1", 16L * MIB);
            long written =
                    v.writeAtomically(
                            MIB,
                            stream(
                                    data,
                                    2 * MIB,
                                    () -> {
                                        v.write(8L * MIB, other); // outside the stream's range
                                        v.write(MIB + 4096, overlap); // inside it
                                    }),
                            null);
            assertThat(written).isEqualTo(data.length);
            assertThat(v.read(MIB, data.length)).isEqualTo(data); // the stream won the overlap
            assertThat(v.read(8L * MIB, other.length)).isEqualTo(other); // the other write stayed
            assertThat(pool.volumes()).extracting(Volume::name).containsExactly("vm1");
            assertThat(pool.check().problems()).isEmpty();
        }
        try (Pool pool = Pool.open(tmp.resolve("p"))) {
            assertThat(pool.volume("vm1").read(8L * MIB, other.length)).isEqualTo(other);
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    @Test
    void aStreamThatDoesNotFitChangesNothingAndKeepsTheOthersWrite() {
        byte[] other = new byte[4096];
        Arrays.fill(other, (byte) 1);
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("vm1", MIB);
            assertThatThrownBy(
                            () ->
                                    v.writeAtomically(
                                            0,
                                            stream(
                                                    new byte[2 * MIB],
                                                    4096,
                                                    () -> v.write(0, other)),
                                            null))
                    .isInstanceOf(InvalidArgumentException.class);
            assertThat(v.read(0, 4096)).isEqualTo(other);
            assertThat(pool.volumes()).extracting(Volume::name).containsExactly("vm1");
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    @Test
    void aFailingStreamChangesNothing() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("vm1", MIB);
            InputStream broken =
                    new InputStream() {
                        int n;

                        @Override
                        public int read() throws IOException {
                            if (n++ > 10_000) {
                                throw new IOException("pipe broke");
                            }
                            return 7;
                        }
                    };
            assertThatThrownBy(() -> v.writeAtomically(0, broken, null))
                    .hasMessageContaining("nothing was written");
            assertThat(v.read(0, 4096)).isEqualTo(new byte[4096]);
            assertThat(pool.check().problems()).isEmpty();
        }
    }
}
