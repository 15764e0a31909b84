package io.exoclone.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.schemas.EventDecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class EventCodecBadInputTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void rejectsNull() {
        assertDecodeFails(null, Reason.TOO_SHORT)
                .hasMessage(
                        "Event too short: no bytes (null), the single-object header alone needs 10"
                                + " bytes");
    }

    @Test
    void rejectsAnEmptyArray() {
        assertDecodeFails(new byte[0], Reason.TOO_SHORT)
                .hasMessage(
                        "Event too short: 0 bytes, the single-object header alone needs 10 bytes");
    }

    @Test
    void rejectsAnIncompleteHeader() {
        byte[] header = Arrays.copyOf(codec.encode(SampleEvents.deadLetter()), 9);

        assertDecodeFails(header, Reason.TOO_SHORT)
                .hasMessageStartingWith("Event too short: 9 bytes");
    }

    @Test
    void rejectsAWrongMarker() {
        byte[] json = "{\"volumeId\":\"0b7f6c1e\"}".getBytes(StandardCharsets.UTF_8);

        assertDecodeFails(json, Reason.BAD_MARKER)
                .hasMessage(
                        "Event does not start with the single-object marker C3 01 but with 7B 22");
    }

    @Test
    void rejectsTheRightFirstMarkerByteWithAWrongSecond() {
        byte[] bytes = codec.encode(SampleEvents.deadLetter());
        bytes[1] = 0x02;

        assertDecodeFails(bytes, Reason.BAD_MARKER).hasMessageEndingWith("but with C3 02");
    }

    @Test
    void rejectsAnUnknownFingerprintAndNamesIt() {
        byte[] bytes = codec.encode(SampleEvents.snapshotSealed());
        for (int i = 0; i < 8; i++) {
            bytes[2 + i] = (byte) (i + 1);
        }

        assertDecodeFails(bytes, Reason.UNKNOWN_FINGERPRINT)
                .hasMessage(
                        "Unknown schema fingerprint 0x0807060504030201: none of the 5 schemas known"
                                + " for NodeChange, SnapshotSealed, ExoclonePublished,"
                                + " ReplicaStatus, DeadLetter has it; was the event written by a"
                                + " newer schema version?");
    }

    @Test
    void rejectsAHeaderWithoutBody() {
        byte[] header = Arrays.copyOf(codec.encode(SampleEvents.nodeChange()), 10);

        assertDecodeFails(header, Reason.TRUNCATED_BODY)
                .hasMessage(
                        "Truncated NodeChange event: the body ends after 0 bytes, before the record"
                                + " does");
    }

    @Test
    void rejectsEveryTruncationOfABody() {
        byte[] whole = codec.encode(SampleEvents.nodeChange());

        for (int length = 10; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertDecodeFails(cut, Reason.TRUNCATED_BODY)
                    .as("cut after %d of %d bytes", length, whole.length)
                    .hasMessageStartingWith(
                            "Truncated NodeChange event: the body ends after "
                                    + (length - 10)
                                    + " bytes");
        }
    }

    @Test
    void rejectsBytesAfterTheRecord() {
        byte[] whole = codec.encode(SampleEvents.replicaStatus());
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);

        assertDecodeFails(longer, Reason.MALFORMED_BODY)
                .hasMessage(
                        "Malformed ReplicaStatus event: 3 bytes follow the record in a body of "
                                + (longer.length - 10)
                                + " bytes");
    }

    @Test
    void rejectsAHugeLengthWithoutAllocatingIt() throws IOException {
        // A DeadLetter whose key claims nearly 2 GiB: must fail as truncated, not run out of
        // memory.
        byte[] bytes =
                event(
                        DeadLetter.getClassSchema(),
                        out -> {
                            out.writeString("exoclone.node-changes");
                            out.writeInt(0);
                            out.writeLong(42);
                            out.writeIndex(1);
                            out.writeLong(Integer.MAX_VALUE - 64);
                            out.writeFixed(new byte[16]);
                        });

        assertDecodeFails(bytes, Reason.TRUNCATED_BODY)
                .hasMessageStartingWith("Truncated DeadLetter event");
    }

    @Test
    void rejectsAnUnknownUnionBranch() throws IOException {
        byte[] bytes =
                event(
                        DeadLetter.getClassSchema(),
                        out -> {
                            out.writeString("exoclone.published");
                            out.writeInt(1);
                            out.writeLong(7);
                            out.writeIndex(5);
                        });

        assertDecodeFails(bytes, Reason.MALFORMED_BODY)
                .hasMessageStartingWith("Malformed DeadLetter event body: ");
    }

    @Test
    void rejectsAnUnknownEnumSymbol() throws IOException {
        byte[] bytes =
                event(
                        ReplicaStatus.getClassSchema(),
                        out -> {
                            out.writeString("dc-west");
                            out.writeString(SampleEvents.VOLUME_ID);
                            out.writeString(SampleEvents.VOLUME_NAME);
                            out.writeString(SampleEvents.SNAPSHOT_ID);
                            out.writeBytes(SampleEvents.rootHash());
                            out.writeIndex(0);
                            out.writeLong(10);
                            out.writeLong(0);
                            out.writeLong(1_767_225_600_010L);
                            out.writeEnum(9);
                            out.writeIndex(0);
                        });

        assertDecodeFails(bytes, Reason.MALFORMED_BODY)
                .hasMessageStartingWith("Malformed ReplicaStatus event body: ");
    }

    @Test
    void keepsDecodingAfterBadInput() {
        byte[] good = codec.encode(SampleEvents.deadLetter());
        assertDecodeFails(Arrays.copyOf(good, good.length - 1), Reason.TRUNCATED_BODY);

        assertThat(codec.decode(good)).isEqualTo(SampleEvents.deadLetter());
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertDecodeFails(
            byte[] bytes, Reason reason) {
        return assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOfSatisfying(
                        EventDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private interface Body {
        void write(BinaryEncoder out) throws IOException;
    }

    /** A hand-written body behind a valid header for {@code schema}. */
    private static byte[] event(Schema schema, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0xC3);
        bytes.write(0x01);
        bytes.write(
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(SchemaNormalization.parsingFingerprint64(schema))
                        .array());
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
    }
}
