package io.exoclone.connectors.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.RangeKind;
import io.exoclone.schemas.SnapshotSealed;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Rebuilds snapshot images from the feed alone: a snapshot's image is its parent's image (zeros for
 * a full image) with the snapshot's ranges applied. Verifies every range's content hash.
 */
final class Replica {
    private final Map<String, byte[]> images = new HashMap<>();

    /** Applies one sealed snapshot; its parent must have been applied before. */
    byte[] apply(FeedReader.SealedSnapshot s) throws Exception {
        SnapshotSealed seal = s.sealed();
        assertThat(seal.getBlockSize()).isEqualTo(Pool.BLOCK_SIZE);
        byte[] image;
        if (seal.getParentId() == null) {
            image = new byte[Math.toIntExact(seal.getVolumeSize())];
        } else {
            byte[] parent = images.get(seal.getParentId());
            assertThat(parent)
                    .as("parent %s of %s applied first", seal.getParentId(), seal.getSnapshotId())
                    .isNotNull();
            image = parent.clone();
        }
        int bs = seal.getBlockSize();
        for (NodeChange c : s.changes()) {
            for (ChangedRange r : c.getRanges()) {
                int off = Math.toIntExact(r.getStartBlock() * bs);
                int len = r.getBlocks() * bs;
                if (r.getKind() != RangeKind.DATA) {
                    java.util.Arrays.fill(image, off, off + len, (byte) 0);
                    continue;
                }
                ByteBuffer d = r.getData().duplicate();
                d.get(image, off + r.getDataOffset(), d.remaining());
                if (r.getPart() == r.getParts() - 1) {
                    byte[] want = new byte[32];
                    r.getContentHash().duplicate().get(want);
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    md.update(image, off, len);
                    assertThat(md.digest())
                            .as("content hash of range at block %d", r.getStartBlock())
                            .isEqualTo(want);
                }
            }
        }
        images.put(seal.getSnapshotId(), image);
        return image;
    }

    byte[] image(UUID snapshotId) {
        return images.get(snapshotId.toString());
    }
}
