package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Shared fixtures for tests that damage files. */
final class BadFiles {
    static final UUID UUID_SELF = UUID.fromString("0e8c1b7a-3f52-4c2e-9a41-6d0f5b7c8e90");
    static final UUID UUID_PARENT = UUID.fromString("5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
    static final UUID SOURCE_A = UUID.fromString("11111111-2222-4333-8444-555555555555");
    static final UUID SOURCE_B = UUID.fromString("f0000000-0000-4000-8000-000000000001");

    private BadFiles() {}

    /** Two DATA ranges, two DEDUP (one per source), a ZERO and a TRIM in a 64-block volume. */
    static Plan plan() {
        Plan p = new Plan(UUID_SELF, UUID_PARENT);
        java.util.Random rnd = new java.util.Random(5);
        p.steps.add(new Plan.DataStep(0, 2, Plan.content(rnd, 2)));
        p.steps.add(new Plan.DedupStep(2, 1, SOURCE_B, 8192, Plan.bytes(rnd, 32)));
        p.steps.add(new Plan.ZeroStep(5, 10));
        p.steps.add(new Plan.DataStep(20, 1, Plan.content(rnd, 1)));
        p.steps.add(new Plan.DedupStep(21, 2, SOURCE_A, 0, Plan.bytes(rnd, 32)));
        p.steps.add(new Plan.TrimStep(30, 3));
        p.volumeSize = 64 * 4096L;
        p.merkleRoot = Plan.bytes(rnd, 32);
        return p;
    }

    /** What opening, verifying and reading everything throws, or null. */
    static Throwable failure(Path file, Optional<PublicKey> trusted) {
        try (ExocloneReader r = ExocloneReader.open(file)) {
            r.inspect();
            r.verify(trusted);
            for (Iterator<ExocloneRange> it = r.ranges(); it.hasNext(); ) {
                if (it.next() instanceof ExocloneRange.Data d) {
                    try (InputStream in = r.openData(d)) {
                        in.readAllBytes();
                    }
                }
            }
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Like {@link #failure} but requires a {@link CorruptDataException}. */
    static CorruptDataException corrupt(Path file) {
        Throwable t = failure(file, Optional.empty());
        if (!(t instanceof CorruptDataException c)) {
            throw new AssertionError(
                    "Expected a CorruptDataException for " + file + ", got " + t, t);
        }
        return c;
    }

    static List<ExocloneRange> ranges(Path file) {
        List<ExocloneRange> out = new ArrayList<>();
        try (ExocloneReader r = ExocloneReader.open(file)) {
            r.ranges().forEachRemaining(out::add);
        }
        return out;
    }

    static Summary summary(Path file) {
        try (ExocloneReader r = ExocloneReader.open(file)) {
            return r.summary();
        }
    }
}
