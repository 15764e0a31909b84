package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExocloneBadInputTest {
    @TempDir Path dir;
    private Plan plan;
    private Path good;
    private ExocloneHeader header;
    private byte[] bytes;

    @BeforeEach
    void writeGoodFile() throws IOException {
        plan = BadFiles.plan();
        good = dir.resolve("good.exo");
        header = plan.write(good, Compression.NONE, Optional.empty());
        bytes = Files.readAllBytes(good);
        assertThat(BadFiles.failure(good, Optional.empty())).isNull();
    }

    /** Every length near the edges of the header, the first section and the trailer; some else. */
    private static int step(int length, int size) {
        boolean edge =
                length < 160
                        || Math.abs(length - Format.PAYLOAD_OFFSET) < 24
                        || length > size - Format.TRAILER_SIZE - 24;
        return edge ? 1 : 41;
    }

    private Path damaged(byte[] content) throws IOException {
        return Files.write(dir.resolve("bad.exo"), content);
    }

    @Test
    void truncatedFileIsRejectedAtEveryLength() throws IOException {
        int size = bytes.length;
        for (int length = 0; length < size; length += step(length, size)) {
            Path f = damaged(Arrays.copyOf(bytes, length));
            CorruptDataException e = BadFiles.corrupt(f);
            assertThat(e.getMessage()).as("length %d", length).startsWith("Corrupt data in ");
        }
        CorruptDataException e = BadFiles.corrupt(damaged(Arrays.copyOf(bytes, bytes.length - 1)));
        assertThat(e.getMessage()).contains("trailer magic");
    }

    @Test
    void flippedByteInEachSectionIsCaughtThere() throws IOException {
        ExocloneHeader.Sections s = header.sections();
        long t = s.trailerOffset();
        // section start, end, and the offsets an error for it may name
        long[][] sections = {
            {0, Format.HEADER_SIZE, 0, s.payloadOffset()}, // a flipped size moves the CRC
            {Format.HEADER_SIZE, s.payloadOffset(), t + 0x60, t + 0x61},
            {s.payloadOffset(), s.dedupOffset(), s.payloadOffset(), s.payloadOffset() + 1},
            {s.dedupOffset(), s.metadataOffset(), s.dedupOffset(), s.dedupOffset() + 1},
            {s.metadataOffset(), t, s.metadataOffset(), s.metadataOffset() + 1},
            {t, bytes.length, t, bytes.length},
        };
        for (long[] sec : sections) {
            assertThat(sec[1]).isGreaterThan(sec[0]);
            for (long at = sec[0]; at < sec[1]; at += Math.max(1, (sec[1] - sec[0]) / 41)) {
                byte[] copy = bytes.clone();
                copy[(int) at] ^= (byte) (1 << (at % 8));
                CorruptDataException e = BadFiles.corrupt(damaged(copy));
                assertThat(e.offset())
                        .as("flip at %d: %s", at, e.getMessage())
                        .isBetween(sec[2], sec[3] - 1);
            }
        }
    }

    @Test
    void wrongMagicSaysSo() throws IOException {
        byte[] copy = bytes.clone();
        copy[0] = 'X';
        assertThat(BadFiles.corrupt(damaged(copy))).hasMessageContaining("magic 'EXOCLONE'");
        byte[] text = "just some text, not an exo-clone\n".repeat(300).getBytes();
        assertThat(BadFiles.corrupt(damaged(text)).offset()).isZero();
    }

    @Test
    void unknownMajorVersionIsRefusedClearly() throws IOException {
        Path f = Reseal.of(good).headerShort(HeaderCodec.AT_MAJOR, 2).writeTo(dir.resolve("v2"));
        assertThat(BadFiles.failure(f, Optional.empty()))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("format major version 1")
                .hasMessageContaining("got version 2.0");
    }

    @Test
    void laterMinorVersionIsRead() throws IOException {
        Reseal r = Reseal.of(good).headerShort(HeaderCodec.AT_MINOR, 7);
        r.trailerMinor = 7;
        Path f = r.writeTo(dir.resolve("v1.7"));
        assertThat(BadFiles.failure(f, Optional.empty())).isNull();
        try (ExocloneReader reader = ExocloneReader.open(f)) {
            assertThat(reader.inspect().formatVersion()).isEqualTo("1.7");
        }
    }

    @Test
    void unknownMustUnderstandFlagIsRefused() throws IOException {
        Path f =
                Reseal.of(good).headerLong(HeaderCodec.AT_FLAGS, 1L << 5).writeTo(dir.resolve("f"));
        assertThat(BadFiles.failure(f, Optional.empty()))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("unknown flags 0x20");
    }

    @Test
    void unknownOptionalFlagIsIgnored() throws IOException {
        Path f =
                Reseal.of(good)
                        .headerLong(HeaderCodec.AT_FLAGS, 1L << 40)
                        .writeTo(dir.resolve("f"));
        assertThat(BadFiles.failure(f, Optional.empty())).isNull();
        try (ExocloneReader reader = ExocloneReader.open(f)) {
            assertThat(reader.inspect().flagNames()).containsExactly("optional-40");
        }
    }

    @Test
    void payloadOffsetOutsideThePayloadIsRefused() throws IOException {
        List<ExocloneRange> ranges = BadFiles.ranges(good);
        ExocloneRange.Data last = (ExocloneRange.Data) ranges.get(3);
        ranges.set(
                3,
                new ExocloneRange.Data(
                        last.startBlock(),
                        last.blockCount(),
                        last.payloadOffset(),
                        1L << 40,
                        last.contentOffset(),
                        Compression.NONE,
                        last.sha256()));
        Path f = resealed(ranges, BadFiles.summary(good));
        assertThat(BadFiles.corrupt(f)).hasMessageContaining("range #3");

        ranges.set(
                3,
                new ExocloneRange.Data(
                        last.startBlock(),
                        last.blockCount(),
                        header.fileSize() * 2,
                        last.storedLength(),
                        last.contentOffset(),
                        Compression.NONE,
                        last.sha256()));
        assertThat(BadFiles.corrupt(resealed(ranges, BadFiles.summary(good))))
                .hasMessageContaining("range #3: payload offset 8192");

        try (ExocloneReader r = ExocloneReader.open(good)) {
            assertThatThrownBy(() -> r.openData((ExocloneRange.Data) ranges.get(3)))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("outside the payload");
        }
    }

    @Test
    void rangePastTheVolumeEndIsRefused() throws IOException {
        Summary s = BadFiles.summary(good);
        Reseal r =
                Reseal.of(good).ranges(plan.uuid, withVolume(s, 32 * 4096L), BadFiles.ranges(good));
        r.volumeSize = 32 * 4096L;
        Path f = r.writeTo(dir.resolve("small"));
        assertThat(BadFiles.corrupt(f))
                .hasMessageContaining("range #5")
                .hasMessageContaining("inside the volume of 32 blocks");
    }

    @Test
    void dataThatDoesNotMatchItsHashIsFound() throws IOException {
        Reseal r = Reseal.of(good);
        r.payload[5000] ^= 1;
        Path f = r.writeTo(dir.resolve("hash"));
        assertThat(BadFiles.corrupt(f))
                .hasMessageContaining("range #0")
                .hasMessageContaining("content SHA-256");
    }

    @Test
    void summaryThatDisagreesWithTheRangesIsFound() throws IOException {
        Summary s = BadFiles.summary(good);
        Summary wrong =
                new Summary(
                        s.volumeSize(),
                        s.blockSize(),
                        s.merkleRoot(),
                        s.rangeCount(),
                        s.dataRanges(),
                        s.dedupRanges(),
                        s.zeroRanges(),
                        s.trimRanges(),
                        s.payloadBytes(),
                        s.dataBytes(),
                        s.dedupBytes(),
                        s.zeroBytes() + 4096,
                        s.trimBytes(),
                        s.dedupUuidCount(),
                        null);
        Path f = resealed(BadFiles.ranges(good), wrong);
        assertThat(BadFiles.corrupt(f))
                .hasMessageContaining("zeroBytes 40960 (summary says 45056)");
    }

    @Test
    void dedupListMustBeSortedAndMatchTheReferences() throws IOException {
        Reseal r = Reseal.of(good);
        byte[] first = Arrays.copyOfRange(r.dedup, 0, 16);
        System.arraycopy(r.dedup, 16, r.dedup, 0, 16);
        System.arraycopy(first, 0, r.dedup, 16, 16);
        assertThat(BadFiles.corrupt(r.writeTo(dir.resolve("unsorted"))))
                .hasMessageContaining("strictly ascending");

        Reseal missing = Reseal.of(good);
        missing.dedup = Arrays.copyOfRange(missing.dedup, 0, 16);
        Summary s = BadFiles.summary(good);
        missing.ranges(plan.uuid, withDedupCount(s, 1), BadFiles.ranges(good));
        assertThat(BadFiles.corrupt(missing.writeTo(dir.resolve("missing"))))
                .hasMessageContaining("listed in the dedup section, got " + BadFiles.SOURCE_B);

        List<ExocloneRange> ranges = new ArrayList<>(BadFiles.ranges(good));
        ranges.remove(4); // the only reference to SOURCE_A
        Summary fewer =
                new Summary(
                        s.volumeSize(),
                        s.blockSize(),
                        s.merkleRoot(),
                        s.rangeCount() - 1,
                        s.dataRanges(),
                        s.dedupRanges() - 1,
                        s.zeroRanges(),
                        s.trimRanges(),
                        s.payloadBytes(),
                        s.dataBytes(),
                        s.dedupBytes() - 8192,
                        s.zeroBytes(),
                        s.trimBytes(),
                        s.dedupUuidCount(),
                        null);
        assertThat(BadFiles.corrupt(resealed(ranges, fewer)))
                .hasMessageContaining(BadFiles.SOURCE_A + " is not");
    }

    @Test
    void aDirectoryOrAMissingFileIsNamed() throws IOException {
        assertThatThrownBy(() -> ExocloneReader.open(dir))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> ExocloneReader.open(dir.resolve("nope.exo")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("nope.exo");
    }

    private Path resealed(List<ExocloneRange> ranges, Summary summary) throws IOException {
        return Reseal.of(good).ranges(plan.uuid, summary, ranges).writeTo(dir.resolve("resealed"));
    }

    private static Summary withVolume(Summary s, long volumeSize) {
        return new Summary(
                volumeSize,
                s.blockSize(),
                s.merkleRoot(),
                s.rangeCount(),
                s.dataRanges(),
                s.dedupRanges(),
                s.zeroRanges(),
                s.trimRanges(),
                s.payloadBytes(),
                s.dataBytes(),
                s.dedupBytes(),
                s.zeroBytes(),
                s.trimBytes(),
                s.dedupUuidCount(),
                null);
    }

    private static Summary withDedupCount(Summary s, long count) {
        return new Summary(
                s.volumeSize(),
                s.blockSize(),
                s.merkleRoot(),
                s.rangeCount(),
                s.dataRanges(),
                s.dedupRanges(),
                s.zeroRanges(),
                s.trimRanges(),
                s.payloadBytes(),
                s.dataBytes(),
                s.dedupBytes(),
                s.zeroBytes(),
                s.trimBytes(),
                count,
                null);
    }
}
