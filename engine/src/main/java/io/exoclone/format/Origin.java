package io.exoclone.format;

import io.exoclone.schemas.ExocloneMetadataOrigin;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Where an exo-clone comes from: the exported volume's name and id, the snapshot's tag and, for a
 * merge commit, its second parent. Informational: an importer uses it to name the snapshot.
 */
public record Origin(
        String volumeName, UUID volumeId, Optional<String> tag, Optional<UUID> mergeParent) {
    public Origin {
        Objects.requireNonNull(volumeName, "volumeName");
        Objects.requireNonNull(volumeId, "volumeId");
        tag = tag == null ? Optional.empty() : tag;
        mergeParent = mergeParent == null ? Optional.empty() : mergeParent;
    }

    ExocloneMetadataOrigin toAvro() {
        return new ExocloneMetadataOrigin(
                volumeName,
                volumeId.toString(),
                tag.orElse(null),
                mergeParent.map(UUID::toString).orElse(null));
    }

    static Origin fromAvro(ExocloneMetadataOrigin o) {
        try {
            return new Origin(
                    o.getVolumeName(),
                    UUID.fromString(o.getVolumeId()),
                    Optional.ofNullable(o.getTag()),
                    Optional.ofNullable(o.getMergeParent()).map(UUID::fromString));
        } catch (IllegalArgumentException e) {
            throw new io.exoclone.engine.CorruptDataException(
                    "metadata summary", 0, "UUIDs in the origin record: " + e.getMessage());
        }
    }
}
