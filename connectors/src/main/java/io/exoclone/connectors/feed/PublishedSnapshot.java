package io.exoclone.connectors.feed;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * One snapshot whose transaction committed.
 *
 * @param parentId the parent the change was published against; empty for a full image (a first
 *     snapshot, or one whose parent was deleted before it was published)
 * @param fullImageFallback whether the snapshot had a parent that was no longer in the pool, so its
 *     whole image was published instead of its change
 * @param records {@code NodeChange} records in the transaction (the seal not counted)
 * @param dataBytes changed data carried by those records
 * @param valueBytes encoded size of every record value of the transaction, seal included
 * @param duration from the start of the transaction to its commit
 * @param lag from the snapshot's creation to the commit
 */
public record PublishedSnapshot(
        UUID snapshotId,
        Optional<UUID> parentId,
        boolean fullImageFallback,
        String volumeName,
        UUID volumeId,
        long generation,
        long records,
        long dataBytes,
        long valueBytes,
        Duration duration,
        Duration lag) {

    public FeedCursor cursor() {
        return new FeedCursor(generation, snapshotId);
    }

    /**
     * The line {@code stream} (and {@code serve --bootstrap}) prints for it: {@code published UUID
     * volume=NAME generation=N parent=UUID|none [full-image] records=N bytes=N ms=N}.
     */
    public String line() {
        return "published "
                + snapshotId
                + " volume="
                + volumeName
                + " generation="
                + generation
                + " parent="
                + parentId.map(UUID::toString).orElse("none")
                + (fullImageFallback ? " full-image" : "")
                + " records="
                + records
                + " bytes="
                + dataBytes
                + " ms="
                + duration.toMillis();
    }
}
