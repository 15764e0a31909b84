package io.exoclone.schemas;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes exoclone events with Avro single-object encoding: the marker {@code C3 01},
 * the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body.
 * Any holder of this jar can decode any event without a schema registry.
 *
 * <p>Decoding finds the writer schema by its fingerprint among the current event schemas and the
 * older versions kept in {@link #HISTORY}, and resolves older writers to the current classes.
 * Malformed input never reaches Avro's allocating readers: the body is first walked without
 * materialising it, so a corrupt length cannot cause a huge allocation.
 *
 * <p>Instances are immutable and thread-safe; make one and share it.
 */
public final class EventCodec {
    /** Length of the single-object header: 2 marker bytes and an 8-byte fingerprint. */
    static final int HEADER_BYTES = 10;

    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;

    /** Every event type, in the order of the topics they travel on. */
    static final List<Class<? extends SpecificRecord>> EVENT_TYPES =
            List.of(
                    NodeChange.class,
                    SnapshotSealed.class,
                    ExoclonePublished.class,
                    ReplicaStatus.class,
                    DeadLetter.class);

    /**
     * Writer schemas of earlier versions, as resource names relative to this class. Records written
     * with them may still sit in Kafka after an upgrade, so they must keep decoding. When an event
     * schema changes, copy the previous {@code .avsc} to {@code
     * src/main/resources/io/exoclone/schemas/history/v<N>/} and list it here; the golden-record
     * test fails until this is done. Empty while v1 is the only version.
     */
    static final List<String> HISTORY = List.of();

    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new HashMap<>();
    private final Map<Long, Writer> writers = new HashMap<>();

    /** A writer schema this codec can read, the event type it decodes to, and its decoder. */
    private record Writer(
            Schema schema,
            Class<? extends SpecificRecord> type,
            BinaryMessageDecoder<SpecificRecord> decoder) {}

    /** A codec for the current event schemas and every older version kept in the jar. */
    public EventCodec() {
        this(loadSchemas(HISTORY));
    }

    /**
     * A codec that also reads the given older writer schemas. Each must name a current event type
     * (or one of its aliases) and be readable by the current schema.
     */
    EventCodec(Collection<Schema> olderWriterSchemas) {
        List<Schema> unmatched = new ArrayList<>(olderWriterSchemas);
        for (Class<? extends SpecificRecord> type : EVENT_TYPES) {
            SpecificData model = SpecificData.getForClass(type);
            Schema reader = model.getSchema(type);
            SchemaStore.Cache store = new SchemaStore.Cache();
            List<Schema> older = new ArrayList<>();
            for (Schema writer : olderWriterSchemas) {
                if (names(reader, writer)) {
                    checkReadable(reader, writer);
                    store.addSchema(writer);
                    older.add(writer);
                    unmatched.remove(writer);
                }
            }
            BinaryMessageDecoder<SpecificRecord> decoder =
                    new BinaryMessageDecoder<>(model, reader, store);
            register(new Writer(reader, type, decoder));
            for (Schema writer : older) {
                register(new Writer(writer, type, decoder));
            }
            encoders.put(type, new BinaryMessageEncoder<>(model, reader));
        }
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException(
                    "Writer schemas name no event type: "
                            + unmatched.stream()
                                    .map(Schema::getFullName)
                                    .collect(Collectors.joining(", ")));
        }
    }

    /**
     * Encodes one event.
     *
     * @throws IllegalArgumentException if the record is not an exoclone event type, or a field
     *     holds a value its schema does not allow (such as null in a non-null field)
     */
    public byte[] encode(SpecificRecord event) {
        Objects.requireNonNull(event, "event");
        BinaryMessageEncoder<SpecificRecord> encoder = encoders.get(event.getClass());
        if (encoder == null) {
            throw new IllegalArgumentException(
                    "Not an exoclone event: "
                            + event.getClass().getName()
                            + "; expected one of "
                            + typeNames());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(event, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot encode " + event.getSchema().getName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes one event of any type.
     *
     * @throws EventDecodeException if the bytes are not a complete event this codec knows
     */
    public SpecificRecord decode(byte[] event) {
        return decodeBody(event, writerOf(event));
    }

    /**
     * Decodes one event that must be of the given type.
     *
     * @throws EventDecodeException if the bytes are not a complete event this codec knows, or the
     *     event is of another type ({@link EventDecodeException.Reason#UNEXPECTED_TYPE})
     * @throws IllegalArgumentException if {@code type} is not an exoclone event type
     */
    public <T extends SpecificRecord> T decode(byte[] event, Class<T> type) {
        Objects.requireNonNull(type, "type");
        if (!encoders.containsKey(type)) {
            throw new IllegalArgumentException(
                    "Not an exoclone event type: "
                            + type.getName()
                            + "; expected one of "
                            + typeNames());
        }
        Writer writer = writerOf(event);
        if (writer.type() != type) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.UNEXPECTED_TYPE,
                    "Expected a "
                            + type.getSimpleName()
                            + " event but got a "
                            + writer.type().getSimpleName());
        }
        return type.cast(decodeBody(event, writer));
    }

    /** Checks the header and finds the writer schema it names. */
    private Writer writerOf(byte[] event) {
        if (event == null || event.length < HEADER_BYTES) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.TOO_SHORT,
                    String.format(
                            "Event too short: %s, the single-object header alone needs %d bytes",
                            event == null ? "no bytes (null)" : event.length + " bytes",
                            HEADER_BYTES));
        }
        if (event[0] != MARKER_0 || event[1] != MARKER_1) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.BAD_MARKER,
                    String.format(
                            "Event does not start with the single-object marker C3 01 but with"
                                    + " %02X %02X",
                            event[0], event[1]));
        }
        long fingerprint = ByteBuffer.wrap(event, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Writer writer = writers.get(fingerprint);
        if (writer == null) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.UNKNOWN_FINGERPRINT,
                    String.format(
                            "Unknown schema fingerprint %s: none of the %d schemas known for %s"
                                    + " has it; was the event written by a newer schema version?",
                            hex(fingerprint), writers.size(), typeNames()));
        }
        return writer;
    }

    private static SpecificRecord decodeBody(byte[] event, Writer writer) {
        checkBody(event, writer);
        try {
            return writer.decoder().decode(event);
        } catch (IOException | RuntimeException e) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.MALFORMED_BODY,
                    "Malformed " + writer.schema().getName() + " event body: " + e,
                    e);
        }
    }

    /**
     * Walks the body as the writer schema says, skipping every value instead of reading it, and
     * checks that it ends exactly where the record does.
     */
    private static void checkBody(byte[] event, Writer writer) {
        int length = event.length - HEADER_BYTES;
        ByteArrayInputStream body = new ByteArrayInputStream(event, HEADER_BYTES, length);
        BinaryDecoder in = DecoderFactory.get().directBinaryDecoder(body, null);
        String name = writer.schema().getName();
        try {
            GenericDatumReader.skip(writer.schema(), in);
        } catch (EOFException e) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.TRUNCATED_BODY,
                    String.format(
                            "Truncated %s event: the body ends after %d bytes, before the record"
                                    + " does",
                            name, length),
                    e);
        } catch (IOException | RuntimeException e) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.MALFORMED_BODY,
                    "Malformed " + name + " event body: " + e,
                    e);
        }
        if (body.available() > 0) {
            throw new EventDecodeException(
                    EventDecodeException.Reason.MALFORMED_BODY,
                    String.format(
                            "Malformed %s event: %d bytes follow the record in a body of %d bytes",
                            name, body.available(), length));
        }
    }

    private void register(Writer writer) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(writer.schema());
        Writer previous = writers.putIfAbsent(fingerprint, writer);
        if (previous != null && previous.type() != writer.type()) {
            throw new IllegalStateException(
                    "Schemas "
                            + previous.schema().getFullName()
                            + " and "
                            + writer.schema().getFullName()
                            + " share the fingerprint "
                            + hex(fingerprint));
        }
    }

    private static boolean names(Schema reader, Schema writer) {
        return reader.getFullName().equals(writer.getFullName())
                || reader.getAliases().contains(writer.getFullName());
    }

    private static void checkReadable(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new IllegalArgumentException(
                    "Current schema "
                            + reader.getFullName()
                            + " cannot read the older writer schema with fingerprint "
                            + hex(SchemaNormalization.parsingFingerprint64(writer))
                            + ": "
                            + result.getResult().getIncompatibilities().stream()
                                    .map(i -> i.getMessage() + " at " + i.getLocation())
                                    .collect(Collectors.joining("; ")));
        }
    }

    /** Parses schema resources named relative to this class, one parser each. */
    static List<Schema> loadSchemas(List<String> resources) {
        List<Schema> schemas = new ArrayList<>(resources.size());
        for (String resource : resources) {
            try (InputStream in = EventCodec.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Missing schema resource " + resource);
                }
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema resource " + resource, e);
            }
        }
        return schemas;
    }

    static String hex(long fingerprint) {
        return String.format(Locale.ROOT, "0x%016x", fingerprint);
    }

    private static String typeNames() {
        return EVENT_TYPES.stream().map(Class::getSimpleName).collect(Collectors.joining(", "));
    }
}
