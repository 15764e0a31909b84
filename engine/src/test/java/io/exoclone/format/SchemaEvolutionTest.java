package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.schemas.ExocloneMetadataRange;
import io.exoclone.schemas.ExocloneMetadataSummary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata schema may grow the way FORMAT.md allows, and only that way. */
class SchemaEvolutionTest {
    @TempDir Path dir;
    private Path good;
    private List<GenericRecord> records;
    private java.util.Map<String, byte[]> meta;

    @BeforeEach
    void setUp() throws IOException {
        good = dir.resolve("good.exo");
        BadFiles.plan().write(good, Compression.NONE, Optional.empty());
        Reseal r = Reseal.of(good);
        records = new ArrayList<>();
        meta = new java.util.HashMap<>();
        try (DataFileStream<GenericRecord> in =
                new DataFileStream<>(
                        new ByteArrayInputStream(r.metadata), new GenericDatumReader<>())) {
            in.forEach(records::add);
            for (String key : in.getMetaKeys()) {
                meta.put(key, in.getMeta(key));
            }
        }
    }

    /** The file with its metadata rewritten under {@code schema}, by plain Avro. */
    private Path rewritten(Schema schema, CodecFactory codec, String field, Object value)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> w =
                new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            w.setCodec(codec);
            w.setMeta(Format.META_SUMMARY, meta.get(Format.META_SUMMARY));
            w.setMeta(Format.META_SUMMARY_SCHEMA, meta.get(Format.META_SUMMARY_SCHEMA));
            w.create(schema, out);
            for (GenericRecord old : records) {
                GenericData.Record rec = new GenericData.Record(schema);
                for (Schema.Field f : old.getSchema().getFields()) {
                    rec.put(f.name(), old.get(f.name()));
                }
                if (field != null) {
                    rec.put(field, value);
                }
                w.append(rec);
            }
        }
        Reseal r = Reseal.of(good);
        r.metadata = out.toByteArray();
        return r.writeTo(dir.resolve("evolved.exo"));
    }

    private static Schema withExtraField() {
        String json = ExocloneMetadataRange.getClassSchema().toString();
        return new Schema.Parser()
                .parse(
                        json.replace(
                                "\"fields\":[{\"name\":\"startBlock\"",
                                "\"fields\":[{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"},"
                                        + "{\"name\":\"startBlock\""));
    }

    @Test
    void aLaterMinorMayAddFieldsThatOlderReadersSkip() throws IOException {
        Path f = rewritten(withExtraField(), CodecFactory.nullCodec(), "note", "hello");
        assertThat(BadFiles.failure(f, Optional.empty())).isNull();
        assertThat(BadFiles.ranges(f)).isEqualTo(BadFiles.ranges(good));
    }

    @Test
    void anUnknownRangeKindIsRefusedAsUnsupported() throws IOException {
        Schema schema =
                new Schema.Parser()
                        .parse(
                                ExocloneMetadataRange.getClassSchema()
                                        .toString()
                                        .replace("\"TRIM\"]", "\"TRIM\",\"COPY\"]"));
        Path f = rewritten(schema, CodecFactory.nullCodec(), null, null);
        assertThat(BadFiles.failure(f, Optional.empty()))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("COPY");
    }

    @Test
    void compressedMetadataIsRefusedAsUnsupported() throws IOException {
        Path f =
                rewritten(
                        ExocloneMetadataRange.getClassSchema(),
                        CodecFactory.deflateCodec(1),
                        null,
                        null);
        assertThat(BadFiles.failure(f, Optional.empty()))
                .isInstanceOf(UnsupportedFormatException.class)
                .hasMessageContaining("Avro codec 'null'");
    }

    @Test
    void schemasThatCouldHangTheDecoderAreRefused() {
        Schema recursive =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"N\",\"fields\":[{\"name\":\"next\","
                                        + "\"type\":[\"null\",\"N\"]}]}");
        assertThat(SchemaGuard.problem(recursive)).contains("recursive N");
        Schema nulls =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\","
                                        + "\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
                                        + "\"name\":\"E\",\"fields\":[]}}}]}");
        assertThat(SchemaGuard.problem(nulls)).contains("zero-byte items");
        assertThat(SchemaGuard.problem(ExocloneMetadataRange.getClassSchema())).isNull();
        assertThat(SchemaGuard.problem(ExocloneMetadataSummary.getClassSchema())).isNull();
        assertThat(SchemaGuard.problem(withExtraField())).isNull();
    }
}
