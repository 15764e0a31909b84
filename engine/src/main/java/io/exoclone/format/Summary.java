package io.exoclone.format;

import io.exoclone.schemas.ExocloneMetadataMerkleRoot;
import io.exoclone.schemas.ExocloneMetadataSummary;

/** Totals of a file, stored in the metadata container's file metadata (FORMAT.md). */
record Summary(
        long volumeSize,
        int blockSize,
        byte[] merkleRoot,
        long rangeCount,
        long dataRanges,
        long dedupRanges,
        long zeroRanges,
        long trimRanges,
        long payloadBytes,
        long dataBytes,
        long dedupBytes,
        long zeroBytes,
        long trimBytes,
        long dedupUuidCount,
        Origin origin) {

    ExocloneMetadataSummary toAvro() {
        return new ExocloneMetadataSummary(
                volumeSize,
                blockSize,
                new ExocloneMetadataMerkleRoot(merkleRoot.clone()),
                rangeCount,
                dataRanges,
                dedupRanges,
                zeroRanges,
                trimRanges,
                payloadBytes,
                dataBytes,
                dedupBytes,
                zeroBytes,
                trimBytes,
                dedupUuidCount,
                origin == null ? null : origin.toAvro());
    }

    Summary withOrigin(Origin o) {
        return new Summary(
                volumeSize,
                blockSize,
                merkleRoot,
                rangeCount,
                dataRanges,
                dedupRanges,
                zeroRanges,
                trimRanges,
                payloadBytes,
                dataBytes,
                dedupBytes,
                zeroBytes,
                trimBytes,
                dedupUuidCount,
                o);
    }

    static Summary fromAvro(ExocloneMetadataSummary s) {
        return new Summary(
                s.getVolumeSize(),
                s.getBlockSize(),
                s.getMerkleRoot().bytes().clone(),
                s.getRangeCount(),
                s.getDataRanges(),
                s.getDedupRanges(),
                s.getZeroRanges(),
                s.getTrimRanges(),
                s.getPayloadBytes(),
                s.getDataBytes(),
                s.getDedupBytes(),
                s.getZeroBytes(),
                s.getTrimBytes(),
                s.getDedupUuidCount(),
                s.getOrigin() == null ? null : Origin.fromAvro(s.getOrigin()));
    }

    /** The first field that differs from {@code other}, or null when the totals agree. */
    String difference(Summary other) {
        long[] mine = counters();
        long[] theirs = other.counters();
        String[] names = {
            "volumeSize", "blockSize", "rangeCount", "dataRanges", "dedupRanges", "zeroRanges",
            "trimRanges", "payloadBytes", "dataBytes", "dedupBytes", "zeroBytes", "trimBytes",
            "dedupUuidCount"
        };
        for (int i = 0; i < names.length; i++) {
            if (mine[i] != theirs[i]) {
                return names[i] + " " + theirs[i] + " (summary says " + mine[i] + ")";
            }
        }
        return null;
    }

    private long[] counters() {
        return new long[] {
            volumeSize,
            blockSize,
            rangeCount,
            dataRanges,
            dedupRanges,
            zeroRanges,
            trimRanges,
            payloadBytes,
            dataBytes,
            dedupBytes,
            zeroBytes,
            trimBytes,
            dedupUuidCount
        };
    }
}
