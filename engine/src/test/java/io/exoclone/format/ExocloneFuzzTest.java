package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.exoclone.engine.CorruptDataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages valid files at random. Opening, verifying and reading a damaged file may succeed or throw
 * {@link CorruptDataException} (or a subclass); anything else, a hang or an out-of-memory is a bug.
 * Half the damage is re-sealed (offsets, CRCs, digest, signature recomputed) so that it reaches the
 * checks behind the checksums.
 *
 * <p>{@code -Dexoclone.fuzz.mutations=N} mutations per seed (default 2000) within {@code
 * -Dexoclone.fuzz.budget.seconds} (default 25); the {@code reliability} profile raises both. The
 * number of mutations actually run is printed at the end.
 */
class ExocloneFuzzTest {
    private static final long FIXED_SEED = 20260101L;
    private static final int ITERATIONS = Integer.getInteger("exoclone.fuzz.mutations", 2000);
    private static final Duration BUDGET =
            Duration.ofSeconds(Long.getLong("exoclone.fuzz.budget.seconds", 25));
    private static final AtomicLong MUTATIONS = new AtomicLong();
    private static final long STARTED = System.nanoTime();

    @TempDir Path dir;

    @Test
    void fixedSeed() throws IOException {
        fuzz(FIXED_SEED);
    }

    @Test
    void randomSeed() throws IOException {
        long seed = new Random().nextLong();
        System.out.println("ExocloneFuzzTest random seed: " + seed);
        fuzz(seed);
    }

    @AfterAll
    static void printMutations() {
        System.out.printf(
                "ExocloneFuzzTest: %d random mutations (up to %d per seed, 2 seeds) in %.1f s%n",
                MUTATIONS.get(), ITERATIONS, (System.nanoTime() - STARTED) / 1e9);
    }

    private record Base(String name, byte[] bytes, Reseal parts, Optional<PublicKey> trusted) {}

    private void fuzz(long seed) throws IOException {
        Random rnd = new Random(seed);
        KeyPair key = Signing.generateKeyPair();
        List<Base> bases =
                List.of(
                        base("raw", Plan.random(new Random(seed + 1), 12), Compression.NONE, null),
                        base("lz4", Plan.random(new Random(seed + 2), 12), Compression.LZ4, null),
                        base("signed", BadFiles.plan(), Compression.LZ4, key));
        Path file = dir.resolve("fuzzed.exo");
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(
                BUDGET.plusSeconds(60),
                () -> {
                    for (int i = 0; i < ITERATIONS && System.nanoTime() < deadline; i++) {
                        Base base = bases.get(rnd.nextInt(bases.size()));
                        StringBuilder what = new StringBuilder(base.name());
                        Files.write(file, mutate(base, rnd, what));
                        Throwable t = BadFiles.failure(file, base.trusted());
                        if (t != null && !(t instanceof CorruptDataException)) {
                            throw new AssertionError(
                                    String.format(
                                            "Seed %d iteration %d (%s): expected a"
                                                    + " CorruptDataException, got %s",
                                            seed, i, what, t),
                                    t);
                        }
                        outcomes[t == null ? 0 : 1]++;
                        MUTATIONS.incrementAndGet();
                    }
                });
        System.out.printf(
                "ExocloneFuzzTest seed %d: %d files still valid, %d refused%n",
                seed, outcomes[0], outcomes[1]);
        assertThat(outcomes[1]).as("seed %d", seed).isGreaterThan(outcomes[0]);
    }

    private Base base(String name, Plan plan, Compression c, KeyPair key) throws IOException {
        Path f = dir.resolve(name + ".exo");
        Optional<Signer> signer = Optional.ofNullable(key).map(Signer::of);
        plan.write(f, c, signer);
        Reseal parts = Reseal.of(f);
        parts.signer = signer;
        return new Base(
                name,
                Files.readAllBytes(f),
                parts,
                Optional.ofNullable(key).map(KeyPair::getPublic));
    }

    private static byte[] mutate(Base base, Random rnd, StringBuilder what) {
        int kind = rnd.nextInt(9);
        what.append(", mutation ").append(kind);
        if (kind < 4) {
            byte[] b = base.bytes().clone();
            switch (kind) {
                case 0:
                    return flipBits(b, rnd);
                case 1:
                    int at = rnd.nextInt(b.length);
                    for (int i = at; i < Math.min(b.length, at + 1 + rnd.nextInt(32)); i++) {
                        b[i] = (byte) rnd.nextInt(256);
                    }
                    return b;
                case 2:
                    return Arrays.copyOf(b, rnd.nextInt(b.length));
                default:
                    byte[] longer = Arrays.copyOf(b, b.length + 1 + rnd.nextInt(5000));
                    for (int i = b.length; i < longer.length; i++) {
                        longer[i] = (byte) rnd.nextInt(256);
                    }
                    return longer;
            }
        }
        Reseal r = base.parts().copy();
        switch (kind) {
            case 4:
            case 5:
                flipBits(r.metadata, rnd);
                break;
            case 6:
                // anything of the header but magic and major version
                int at = 12 + rnd.nextInt(Format.HEADER_SIZE - 16);
                r.header[at] ^= (byte) (1 + rnd.nextInt(255));
                r.fixHeaderCrc();
                break;
            case 7:
                flipBits(rnd.nextBoolean() && r.dedup.length > 0 ? r.dedup : r.payload, rnd);
                break;
            default:
                r.volumeSize = rnd.nextBoolean() ? rnd.nextLong() : 4096L * rnd.nextInt(200);
        }
        return r.bytes();
    }

    private static byte[] flipBits(byte[] b, Random rnd) {
        if (b.length > 0) {
            for (int n = 1 + rnd.nextInt(8); n > 0; n--) {
                b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            }
        }
        return b;
    }
}
