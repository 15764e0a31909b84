package io.exoclone.engine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything {@link Pool#importSnapshot} needs besides the ranges: the identity and lineage of the
 * exo-clone, the volume image it results in, and optionally a file whose block-aligned payload is
 * adopted into the pool in place ({@link ChangeRange.Adopted} ranges point into it).
 *
 * @param payloadFile file to adopt as a read-only data segment: one {@link Pool#stage staged} in
 *     the pool becomes the segment without a copy; any other file is reflinked or copied, never
 *     hard-linked; null when no range is {@code Adopted}
 */
public record ImportRequest(
        UUID id,
        UUID parentId,
        UUID mergeParentId,
        String volume,
        UUID volumeId,
        long volumeSize,
        Instant created,
        String tag,
        byte[] rootHash,
        Path payloadFile) {
    public ImportRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(volume, "volume");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(rootHash, "rootHash");
        rootHash = rootHash.clone();
    }

    public Optional<UUID> parent() {
        return Optional.ofNullable(parentId);
    }
}
