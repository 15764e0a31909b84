package io.exoclone.jobs.replicate;

import io.exoclone.schemas.ExoclonePublished;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * The part of an {@link ExoclonePublished} event that the replica site needs, as a plain Java
 * record so that Flink serializes it with its POJO serializer (between operators and in the
 * applier's keyed state) without Avro or Kryo.
 *
 * @param parentId null for a first (full) exo-clone
 *     <p>Every id must be a UUID ({@link IllegalArgumentException} otherwise).
 * @param dedupIds exo-clones whose data this one references; empty when none
 */
public record Published(
        String exocloneId,
        String parentId,
        String[] dedupIds,
        String volumeId,
        String volumeName,
        String uri,
        long fileBytes,
        byte[] rootHash,
        long snapshotCreatedMillis) {

    public Published {
        Objects.requireNonNull(exocloneId, "exocloneId");
        Objects.requireNonNull(volumeId, "volumeId");
        Objects.requireNonNull(uri, "uri");
        dedupIds = dedupIds == null ? new String[0] : dedupIds;
        UUID.fromString(exocloneId);
        if (parentId != null) {
            UUID.fromString(parentId);
        }
        for (String d : dedupIds) {
            UUID.fromString(d);
        }
        rootHash = rootHash == null ? new byte[0] : rootHash;
    }

    /** Copies the fields of an event read from {@code exoclone.published}. */
    public static Published of(ExoclonePublished e) {
        ByteBuffer root = e.getRootHash().duplicate();
        byte[] hash = new byte[root.remaining()];
        root.get(hash);
        return new Published(
                e.getExocloneId(),
                e.getParentId(),
                e.getDedupIds().toArray(new String[0]),
                e.getVolumeId(),
                e.getVolumeName(),
                e.getUri(),
                e.getFileBytes(),
                hash,
                e.getSnapshotCreatedMillis());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Published p
                && exocloneId.equals(p.exocloneId)
                && Objects.equals(parentId, p.parentId)
                && Arrays.equals(dedupIds, p.dedupIds)
                && volumeId.equals(p.volumeId)
                && Objects.equals(volumeName, p.volumeName)
                && uri.equals(p.uri)
                && fileBytes == p.fileBytes
                && Arrays.equals(rootHash, p.rootHash)
                && snapshotCreatedMillis == p.snapshotCreatedMillis;
    }

    @Override
    public int hashCode() {
        return exocloneId.hashCode();
    }

    @Override
    public String toString() {
        return "Published[" + exocloneId + " of " + volumeName + " parent " + parentId + "]";
    }
}
