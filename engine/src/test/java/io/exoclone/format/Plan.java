package io.exoclone.format;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/** A random but reproducible sequence of writer calls, and the file it makes. */
final class Plan {
    static final int BS = 4096;

    sealed interface Step permits DataStep, DedupStep, ZeroStep, TrimStep {
        long start();

        long blocks();
    }

    record DataStep(long start, long blocks, byte[] bytes) implements Step {}

    record DedupStep(long start, long blocks, UUID source, long offset, byte[] sha256)
            implements Step {}

    record ZeroStep(long start, long blocks) implements Step {}

    record TrimStep(long start, long blocks) implements Step {}

    final UUID uuid;
    final UUID parent;
    final List<Step> steps = new ArrayList<>();
    final List<UUID> sources = new ArrayList<>();
    long volumeSize;
    byte[] merkleRoot;

    Plan(UUID uuid, UUID parent) {
        this.uuid = uuid;
        this.parent = parent;
    }

    /** Up to {@code maxRanges} ranges of every kind with gaps between them. */
    static Plan random(Random rnd, int maxRanges) {
        Plan p = new Plan(new UUID(rnd.nextLong(), rnd.nextLong()), new UUID(rnd.nextLong(), 7));
        for (int i = 0; i < 1 + rnd.nextInt(3); i++) {
            p.sources.add(new UUID(rnd.nextLong(), rnd.nextLong()));
        }
        long block = rnd.nextInt(4);
        long content = 0;
        int n = 1 + rnd.nextInt(maxRanges);
        for (int i = 0; i < n; i++) {
            int blocks = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 40 : 4);
            int kind = rnd.nextInt(10);
            if (kind < 5) {
                p.steps.add(new DataStep(block, blocks, content(rnd, blocks)));
                content += (long) blocks * BS;
            } else if (kind < 7) {
                boolean self = content >= (long) blocks * BS && rnd.nextBoolean();
                UUID source = self ? p.uuid : p.sources.get(rnd.nextInt(p.sources.size()));
                long offset =
                        self
                                ? (long) BS * rnd.nextInt((int) (content / BS) - blocks + 1)
                                : (long) BS * rnd.nextInt(1000);
                p.steps.add(new DedupStep(block, blocks, source, offset, bytes(rnd, 32)));
            } else if (kind < 9) {
                p.steps.add(new ZeroStep(block, blocks * 10L));
            } else {
                p.steps.add(new TrimStep(block, blocks * 3L));
            }
            block =
                    p.steps.get(p.steps.size() - 1).start()
                            + p.steps.get(p.steps.size() - 1).blocks()
                            + (rnd.nextBoolean() ? 0 : rnd.nextInt(20));
        }
        p.volumeSize = (block + rnd.nextInt(100)) * BS;
        p.merkleRoot = bytes(rnd, 32);
        return p;
    }

    /** Half random bytes (incompressible), half a repeated pattern (compressible). */
    static byte[] content(Random rnd, int blocks) {
        byte[] b = new byte[blocks * BS];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(b);
        } else {
            byte[] word = bytes(rnd, 1 + rnd.nextInt(64));
            for (int i = 0; i < b.length; i++) {
                b[i] = word[i % word.length];
            }
        }
        return b;
    }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    ExocloneWriter.Builder builder(Compression compression) {
        return ExocloneWriter.builder(uuid)
                .parent(Optional.ofNullable(parent))
                .compression(compression)
                .created(Instant.parse("2026-01-02T03:04:05.678Z"));
    }

    void apply(ExocloneWriter w) {
        for (Step s : steps) {
            if (s instanceof DataStep d) {
                w.addData(
                        d.start(), (int) d.blocks(), ByteBuffer.wrap(d.bytes()), sha256(d.bytes()));
            } else if (s instanceof DedupStep d) {
                w.addDedup(
                        d.start(),
                        (int) d.blocks(),
                        d.source(),
                        d.offset(),
                        d.blocks() * BS,
                        d.sha256());
            } else if (s instanceof ZeroStep z) {
                w.addZero(z.start(), z.blocks());
            } else {
                w.addTrim(s.start(), s.blocks());
            }
        }
    }

    ExocloneHeader write(Path file, Compression compression, Optional<Signer> signer) {
        try (ExocloneWriter w = builder(compression).open(file)) {
            apply(w);
            return w.finish(merkleRoot, volumeSize, signer);
        }
    }

    long estimate() {
        try (SizeEstimator e = new SizeEstimator(uuid)) {
            for (Step s : steps) {
                if (s instanceof DataStep d) {
                    e.addData(d.start(), (int) d.blocks());
                } else if (s instanceof DedupStep d) {
                    e.addDedup(
                            d.start(), (int) d.blocks(), d.source(), d.offset(), d.blocks() * BS);
                } else if (s instanceof ZeroStep z) {
                    e.addZero(z.start(), z.blocks());
                } else {
                    e.addTrim(s.start(), s.blocks());
                }
            }
            return e.fileSize(volumeSize);
        }
    }
}
