package io.exoclone.format;

import io.exoclone.schemas.ExocloneMetadataCompression;
import io.exoclone.schemas.ExocloneMetadataData;
import io.exoclone.schemas.ExocloneMetadataDedup;
import io.exoclone.schemas.ExocloneMetadataRange;
import io.exoclone.schemas.ExocloneMetadataRangeKind;
import io.exoclone.schemas.ExocloneMetadataSha256;
import io.exoclone.schemas.ExocloneMetadataUuid;
import java.util.function.Function;

/** Converts ranges to and from their Avro records. */
final class RangeCodec {
    private RangeCodec() {}

    static ExocloneMetadataRange toAvro(ExocloneRange range) {
        ExocloneMetadataRange r = new ExocloneMetadataRange();
        r.setStartBlock(range.startBlock());
        r.setBlockCount(range.blockCount());
        if (range instanceof ExocloneRange.Data d) {
            r.setKind(ExocloneMetadataRangeKind.DATA);
            r.setSha256(new ExocloneMetadataSha256(d.sha256()));
            r.setData(
                    new ExocloneMetadataData(
                            d.payloadOffset(),
                            d.storedLength(),
                            d.uncompressedLength(),
                            d.contentOffset(),
                            ExocloneMetadataCompression.valueOf(d.compression().name())));
        } else if (range instanceof ExocloneRange.Dedup d) {
            r.setKind(ExocloneMetadataRangeKind.DEDUP);
            r.setSha256(new ExocloneMetadataSha256(d.sha256()));
            r.setDedup(
                    new ExocloneMetadataDedup(
                            new ExocloneMetadataUuid(Uuids.toBytes(d.sourceUuid())),
                            d.sourceOffset(),
                            d.length()));
        } else if (range instanceof ExocloneRange.Zero) {
            r.setKind(ExocloneMetadataRangeKind.ZERO);
        } else {
            r.setKind(ExocloneMetadataRangeKind.TRIM);
        }
        return r;
    }

    /**
     * The range a record describes; a record whose fields do not fit its kind is reported through
     * {@code corrupt}, which returns the exception to throw.
     */
    static ExocloneRange fromAvro(
            ExocloneMetadataRange r, Function<String, RuntimeException> corrupt) {
        ExocloneMetadataRangeKind kind = r.getKind();
        boolean isData = kind == ExocloneMetadataRangeKind.DATA;
        boolean isDedup = kind == ExocloneMetadataRangeKind.DEDUP;
        if ((isData || isDedup) != (r.getSha256() != null)) {
            throw corrupt.apply(
                    kind
                            + " range "
                            + (isData || isDedup ? "must have" : "must not have")
                            + " a sha256");
        }
        if (isData != (r.getData() != null)) {
            throw corrupt.apply(
                    kind + " range " + (isData ? "must have" : "must not have") + " a data part");
        }
        if (isDedup != (r.getDedup() != null)) {
            throw corrupt.apply(
                    kind + " range " + (isDedup ? "must have" : "must not have") + " a dedup part");
        }
        long start = r.getStartBlock();
        long count = r.getBlockCount();
        switch (kind) {
            case DATA:
                ExocloneMetadataData d = r.getData();
                if (count <= 0 || count > Format.MAX_VOLUME_BLOCKS) {
                    throw corrupt.apply(
                            "a DATA range of 1 to "
                                    + Format.MAX_VOLUME_BLOCKS
                                    + " blocks, got "
                                    + count);
                }
                if (d.getUncompressedLength() != count * Format.BLOCK_SIZE) {
                    throw corrupt.apply(
                            "uncompressedLength "
                                    + count * Format.BLOCK_SIZE
                                    + " for "
                                    + count
                                    + " blocks, got "
                                    + d.getUncompressedLength());
                }
                return new ExocloneRange.Data(
                        start,
                        count,
                        d.getPayloadOffset(),
                        d.getStoredLength(),
                        d.getContentOffset(),
                        Compression.valueOf(d.getCompression().name()),
                        r.getSha256().bytes());
            case DEDUP:
                ExocloneMetadataDedup x = r.getDedup();
                return new ExocloneRange.Dedup(
                        start,
                        count,
                        Uuids.fromBytes(x.getSourceUuid().bytes(), 0),
                        x.getSourceOffset(),
                        x.getLength(),
                        r.getSha256().bytes());
            case ZERO:
                return new ExocloneRange.Zero(start, count);
            case TRIM:
                return new ExocloneRange.Trim(start, count);
            default:
                throw corrupt.apply("a known range kind, got " + kind);
        }
    }
}
