package io.exoclone.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {
    private final EventCodec codec = new EventCodec();

    static Stream<SampleEvents.Sample> samples() {
        return SampleEvents.all().stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTripsEveryEventType(SampleEvents.Sample sample) {
        byte[] bytes = codec.encode(sample.event());

        SpecificRecord decoded = codec.decode(bytes);

        assertThat(decoded).isInstanceOf(sample.event().getClass()).isEqualTo(sample.event());
        assertThat(decoded.getSchema().getName()).isEqualTo(sample.name());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void writesTheSingleObjectHeader(SampleEvents.Sample sample) {
        byte[] bytes = codec.encode(sample.event());

        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(fingerprint)
                .isEqualTo(SchemaNormalization.parsingFingerprint64(sample.event().getSchema()));
    }

    @Test
    void roundTripsAFullSizeDataRange() {
        byte[] data = SampleEvents.splitRangeData();
        byte[] part = new byte[1_040_000];
        System.arraycopy(data, 0, part, 0, part.length);
        NodeChange change = SampleEvents.nodeChange();
        change.getRanges().get(0).setPart(0);
        change.getRanges().get(0).setDataOffset(0);
        change.getRanges().get(0).setData(ByteBuffer.wrap(part));

        byte[] bytes = codec.encode(change);
        NodeChange decoded = codec.decode(bytes, NodeChange.class);

        assertThat(bytes.length).isLessThan(1 << 20);
        ChangedRange range = decoded.getRanges().get(0);
        assertThat(toArray(range.getData())).isEqualTo(part);
        assertThat(toArray(range.getContentHash())).isEqualTo(SampleEvents.sha256(data));
        assertThat(decoded.getRanges().get(2).getKind()).isEqualTo(RangeKind.TRIM);
        assertThat(decoded.getRanges().get(2).getData()).isNull();
    }

    @Test
    void decodesTheRequestedType() {
        byte[] bytes = codec.encode(SampleEvents.snapshotSealed());

        SnapshotSealed sealed = codec.decode(bytes, SnapshotSealed.class);

        assertThat(sealed.getNodeChangeCount()).isEqualTo(18);
        assertThat(sealed.getTag()).isEqualTo("nightly-2026-01-01");
    }

    @Test
    void rejectsAnEventOfAnotherTypeThanRequested() {
        byte[] bytes = codec.encode(SampleEvents.snapshotSealed());

        assertThatThrownBy(() -> codec.decode(bytes, NodeChange.class))
                .isInstanceOfSatisfying(
                        EventDecodeException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(EventDecodeException.Reason.UNEXPECTED_TYPE))
                .hasMessage("Expected a NodeChange event but got a SnapshotSealed");
    }

    @Test
    void refusesToDecodeIntoANonEventType() {
        byte[] bytes = codec.encode(SampleEvents.nodeChange());

        assertThatThrownBy(() -> codec.decode(bytes, ChangedRange.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Not an exoclone event type: io.exoclone.schemas.ChangedRange");
    }

    @Test
    void refusesToEncodeANonEventType() {
        ChangedRange range = SampleEvents.nodeChange().getRanges().get(1);

        assertThatThrownBy(() -> codec.encode(range))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Not an exoclone event: io.exoclone.schemas.ChangedRange; expected one of"
                                + " NodeChange, SnapshotSealed, ExoclonePublished, ReplicaStatus,"
                                + " DeadLetter");
    }

    @Test
    void refusesToEncodeANullInANonNullField() {
        DeadLetter letter = SampleEvents.deadLetter();
        letter.setReason(null);

        assertThatThrownBy(() -> codec.encode(letter))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot encode DeadLetter: ")
                .hasMessageContaining("reason");
    }

    @Test
    void everyEventTypeHasItsOwnFingerprint() {
        Set<Long> fingerprints = new HashSet<>();
        for (Class<? extends SpecificRecord> type : EventCodec.EVENT_TYPES) {
            Schema schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
            assertThat(fingerprints.add(SchemaNormalization.parsingFingerprint64(schema)))
                    .as("fingerprint of %s is unique", type.getSimpleName())
                    .isTrue();
        }
    }

    @Test
    void decodesAnOlderWriterSchemaIntoTheCurrentClass() {
        // A plausible earlier ReplicaStatus: no expectedRootHash and no message yet.
        Schema older = olderReplicaStatus();
        GenericRecord record = new GenericData.Record(older);
        record.put("site", "dc-west");
        record.put("volumeId", SampleEvents.VOLUME_ID);
        record.put("volumeName", SampleEvents.VOLUME_NAME);
        record.put("appliedId", SampleEvents.SNAPSHOT_ID);
        record.put("rootHash", ByteBuffer.wrap(SampleEvents.rootHash()));
        record.put("importedBytes", 0L);
        record.put("lagMillis", 950L);
        record.put("timestampMillis", 1_767_225_600_950L);
        record.put(
                "status",
                new GenericData.EnumSymbol(
                        older.getField("status").schema(), "WAITING_FOR_PARENT"));
        byte[] bytes = encodeWith(older, record);

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOfSatisfying(
                        EventDecodeException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(
                                                EventDecodeException.Reason.UNKNOWN_FINGERPRINT));

        ReplicaStatus status = new EventCodec(List.of(older)).decode(bytes, ReplicaStatus.class);
        assertThat(status.getStatus()).isEqualTo(ReplicaState.WAITING_FOR_PARENT);
        assertThat(status.getLagMillis()).isEqualTo(950L);
        assertThat(status.getMessage()).isNull();
        assertThat(status.getExpectedRootHash()).isNull();
        assertThat(toArray(status.getRootHash())).isEqualTo(SampleEvents.rootHash());
    }

    @Test
    void refusesAnOlderWriterSchemaTheCurrentOneCannotRead() {
        Schema current = ReplicaStatus.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            // lagMillis as a string: the current long field cannot read it.
            Schema type =
                    f.name().equals("lagMillis") ? Schema.create(Schema.Type.STRING) : f.schema();
            fields.add(new Schema.Field(f.name(), type, f.doc(), f.defaultVal()));
        }
        Schema incompatible =
                Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);

        assertThatThrownBy(() -> new EventCodec(List.of(incompatible)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "Current schema io.exoclone.schemas.ReplicaStatus cannot read the older"
                                + " writer schema with fingerprint 0x")
                .hasMessageEndingWith(
                        ": reader type: LONG not compatible with writer type: STRING at"
                                + " /fields/6/type");
    }

    @Test
    void refusesAnOlderWriterSchemaOfNoEventType() {
        Schema stray = SchemaBuilder.record("io.exoclone.schemas.Gone").fields().endRecord();

        assertThatThrownBy(() -> new EventCodec(List.of(stray)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Writer schemas name no event type: io.exoclone.schemas.Gone");
    }

    @Test
    void loadsKeptSchemaResources() {
        List<Schema> schemas = EventCodec.loadSchemas(List.of("/golden/v1/NodeChange.avsc"));

        assertThat(schemas)
                .singleElement()
                .extracting(Schema::getFullName)
                .isEqualTo("io.exoclone.schemas.NodeChange");
        assertThatThrownBy(() -> EventCodec.loadSchemas(List.of("history/v0/Nope.avsc")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Missing schema resource history/v0/Nope.avsc");
    }

    private static Schema olderReplicaStatus() {
        Schema current = ReplicaStatus.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (!f.name().equals("expectedRootHash") && !f.name().equals("message")) {
                fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
            }
        }
        return Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
    }

    private static byte[] encodeWith(Schema schema, GenericRecord record) {
        try {
            ByteBuffer buffer =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema)
                            .encode(record);
            return toArray(buffer);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] toArray(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
