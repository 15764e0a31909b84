package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.schemas.ExocloneMetadataRange;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ExocloneRoundTripTest {
    @TempDir Path dir;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void randomFilesReadBackAsWritten(Compression compression) throws IOException {
        for (int seed = 0; seed < 25; seed++) {
            Plan plan = Plan.random(new Random(seed), 30);
            Path file = dir.resolve(compression + "-" + seed + ".exo");
            ExocloneHeader written = plan.write(file, compression, Optional.empty());

            try (ExocloneReader r = ExocloneReader.open(file)) {
                assertThat(r.header()).as("seed %d", seed).isEqualTo(written);
                assertThat(r.header().fileSize()).isEqualTo(Files.size(file));
                assertThat(r.header().parentUuid()).contains(plan.parent);
                assertThat(r.header().compression()).isEqualTo(compression);
                assertThat(r.merkleRoot()).isEqualTo(plan.merkleRoot);
                TreeSet<UUID> expectedDedup = new TreeSet<>(Uuids.UNSIGNED);
                plan.steps.stream()
                        .filter(s -> s instanceof Plan.DedupStep d && !d.source().equals(plan.uuid))
                        .forEach(s -> expectedDedup.add(((Plan.DedupStep) s).source()));
                assertThat(r.dedupUuids()).containsExactlyElementsOf(expectedDedup);
                checkRanges(r, plan, file);
                r.verify(Optional.empty());
            }
        }
    }

    private static void checkRanges(ExocloneReader r, Plan plan, Path file) throws IOException {
        Iterator<ExocloneRange> it = r.ranges();
        byte[] whole = Files.readAllBytes(file);
        long content = 0;
        for (Plan.Step step : plan.steps) {
            assertThat(it.hasNext()).isTrue();
            ExocloneRange range = it.next();
            assertThat(range.startBlock()).isEqualTo(step.start());
            assertThat(range.blockCount()).isEqualTo(step.blocks());
            if (step instanceof Plan.DataStep d) {
                ExocloneRange.Data data = (ExocloneRange.Data) range;
                assertThat(data.contentOffset()).isEqualTo(content);
                assertThat(data.sha256()).isEqualTo(Plan.sha256(d.bytes()));
                try (InputStream in = r.openData(data)) {
                    assertThat(in.readAllBytes()).isEqualTo(d.bytes());
                }
                long at = r.payloadFileOffset(data);
                if (data.compression() == Compression.NONE) {
                    assertThat(at % 4096).isZero();
                    assertThat(data.payloadOffset()).isEqualTo(data.contentOffset());
                    assertThat(Arrays.copyOfRange(whole, (int) at, (int) at + d.bytes().length))
                            .isEqualTo(d.bytes());
                } else {
                    // A plain LZ4 frame decoder (what the stock lz4 tool does) gets the bytes.
                    byte[] frame =
                            Arrays.copyOfRange(whole, (int) at, (int) (at + data.storedLength()));
                    try (InputStream in =
                            new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
                        assertThat(in.readAllBytes()).isEqualTo(d.bytes());
                    }
                }
                content += d.bytes().length;
            } else if (step instanceof Plan.DedupStep d) {
                assertThat(range)
                        .isEqualTo(
                                new ExocloneRange.Dedup(
                                        d.start(),
                                        d.blocks(),
                                        d.source(),
                                        d.offset(),
                                        d.blocks() * Plan.BS,
                                        d.sha256()));
            } else if (step instanceof Plan.ZeroStep) {
                assertThat(range).isInstanceOf(ExocloneRange.Zero.class);
            } else {
                assertThat(range).isInstanceOf(ExocloneRange.Trim.class);
            }
        }
        assertThat(it.hasNext()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void streamAndPathTargetsWriteTheSameBytes(Compression compression) throws IOException {
        Plan plan = Plan.random(new Random(42), 40);
        Path file = dir.resolve("a.exo");
        plan.write(file, compression, Optional.empty());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ExocloneWriter w = plan.builder(compression).open(out)) {
            plan.apply(w);
            w.finish(plan.merkleRoot, plan.volumeSize, Optional.empty());
        }
        assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(file));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void spillingRangesToDiskChangesNothing(Compression compression) throws IOException {
        Plan plan = Plan.random(new Random(7), 400);
        ByteArrayOutputStream inMemory = new ByteArrayOutputStream();
        ByteArrayOutputStream spilled = new ByteArrayOutputStream();
        try (ExocloneWriter w = plan.builder(compression).open(inMemory)) {
            plan.apply(w);
            w.finish(plan.merkleRoot, plan.volumeSize, Optional.empty());
        }
        try (ExocloneWriter w = plan.builder(compression).spillThreshold(100).open(spilled)) {
            plan.apply(w);
            w.finish(plan.merkleRoot, plan.volumeSize, Optional.empty());
        }
        assertThat(spilled.toByteArray()).isEqualTo(inMemory.toByteArray());
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void metadataIsAStandardAvroContainerFile(Compression compression) throws IOException {
        Plan plan = Plan.random(new Random(3), 3000);
        Path file = dir.resolve("m.exo");
        ExocloneHeader h = plan.write(file, compression, Optional.empty());
        byte[] whole = Files.readAllBytes(file);
        ExocloneHeader.Sections s = h.sections();
        byte[] metadata =
                Arrays.copyOfRange(
                        whole,
                        (int) s.metadataOffset(),
                        (int) (s.metadataOffset() + s.metadataLength()));
        List<GenericRecord> records = new ArrayList<>();
        try (DataFileStream<GenericRecord> in =
                new DataFileStream<>(
                        new ByteArrayInputStream(metadata), new GenericDatumReader<>())) {
            assertThat(in.getSchema()).isEqualTo(ExocloneMetadataRange.getClassSchema());
            assertThat(in.getMeta(Format.META_SUMMARY)).isNotEmpty();
            in.forEach(records::add);
        }
        assertThat(records).hasSize(plan.steps.size());
        for (int i = 0; i < records.size(); i++) {
            assertThat(records.get(i).get("startBlock")).isEqualTo(plan.steps.get(i).start());
        }
    }
}
