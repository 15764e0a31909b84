package io.exoclone.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Every current event schema must read every writer schema kept under {@code golden/v<N>/}, so a
 * schema change that would strand records already in Kafka fails here.
 */
class SchemaCompatibilityTest {
    private static final Map<String, Schema> CURRENT =
            EventCodec.EVENT_TYPES.stream()
                    .map(type -> SpecificData.get().getSchema(type))
                    .collect(Collectors.toMap(Schema::getFullName, Function.identity()));

    @Test
    void everyCurrentSchemaReadsEveryGoldenWriterSchema() {
        int checked = 0;
        for (Path version : GoldenFiles.versions()) {
            for (Path avsc : GoldenFiles.files(version, ".avsc")) {
                Schema writer = GoldenFiles.schema(avsc);
                Schema reader = CURRENT.get(writer.getFullName());
                assertThat(reader).as("%s names a current event type", avsc).isNotNull();

                SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);

                assertThat(result.getType())
                        .as("current %s reads %s: %s", reader.getName(), avsc, result.getResult())
                        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(CURRENT.size());
    }

    @Test
    void everyCurrentEventTypeHasAV1GoldenSchemaAndRecord() {
        Path v1 = GoldenFiles.versions().get(0);
        assertThat(v1.getFileName()).hasToString("v1");
        List<String> schemas =
                GoldenFiles.files(v1, ".avsc").stream().map(GoldenFiles::baseName).toList();
        List<String> records =
                GoldenFiles.files(v1, ".bin").stream().map(GoldenFiles::baseName).toList();

        List<String> events = EventCodec.EVENT_TYPES.stream().map(Class::getSimpleName).toList();
        assertThat(schemas).containsExactlyInAnyOrderElementsOf(events);
        assertThat(records).containsExactlyInAnyOrderElementsOf(events);
    }

    @Test
    void theCheckCatchesAnIncompatibleChange() {
        // Guards the guard: a new field without a default cannot read the v1 records.
        Schema writer =
                GoldenFiles.schema(GoldenFiles.versions().get(0).resolve("SnapshotSealed.avsc"));
        Schema reader =
                org.apache.avro.SchemaBuilder.record("SnapshotSealed")
                        .namespace("io.exoclone.schemas")
                        .fields()
                        .requiredString("volumeId")
                        .requiredLong("compressedBytes")
                        .endRecord();

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
