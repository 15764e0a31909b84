package io.exoclone.connectors.feed;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Where a feed stands: the last snapshot whose transaction committed. Snapshots are published in
 * generation order, so every snapshot of the pool with a higher generation is still to publish.
 *
 * <p>Stored in the pool as the text {@code "<generation> <snapshot uuid>"} ({@link #format()}).
 */
public record FeedCursor(long generation, UUID snapshotId) implements Comparable<FeedCursor> {
    public FeedCursor {
        Objects.requireNonNull(snapshotId, "snapshotId");
        if (generation < 0) {
            throw new IllegalArgumentException(
                    "Generation must not be negative, got " + generation);
        }
    }

    /** The text kept in the pool property. */
    public String format() {
        return generation + " " + snapshotId;
    }

    /**
     * Parses {@link #format()}'s text; empty for null.
     *
     * @throws FeedException when the text is not a cursor
     */
    public static Optional<FeedCursor> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String[] f = text.trim().split(" ");
        try {
            if (f.length == 2) {
                return Optional.of(new FeedCursor(Long.parseLong(f[0]), UUID.fromString(f[1])));
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new FeedException("Feed cursor '" + text + "' is not '<generation> <snapshot uuid>'");
    }

    /** Whether a snapshot of this generation is already published. */
    public boolean covers(long snapshotGeneration) {
        return snapshotGeneration <= generation;
    }

    @Override
    public int compareTo(FeedCursor o) {
        return Long.compare(generation, o.generation);
    }

    @Override
    public String toString() {
        return "generation " + generation + " (snapshot " + snapshotId + ")";
    }
}
