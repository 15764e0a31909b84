package io.exoclone.connectors.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.EventDecodeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;

/**
 * Renders Kafka records of any exoclone topic as one-line JSON for people and scripts. Every field
 * of the event appears under its schema name; byte fields up to {@value #HEX_LIMIT} bytes (hashes)
 * are hex, longer ones (block data, dead-letter payloads) are summarized as {@code {"length": n,
 * "sha256": "<first 8 bytes in hex>"}} and never dumped. A record that does not decode becomes a
 * line with {@code "error"} instead of {@code "event"}.
 */
public final class EventJson {
    /** Byte fields up to this length are shown in full, as hex. */
    public static final int HEX_LIMIT = 32;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private final EventCodec codec;

    public EventJson(EventCodec codec) {
        this.codec = codec;
    }

    /**
     * One JSON line for a Kafka record: its coordinates and key, then {@code "type"} and {@code
     * "event"}, or {@code "error"} and {@code "reason"} when the value does not decode.
     */
    public String line(
            String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        ObjectNode out = NODES.objectNode();
        out.put("topic", topic);
        out.put("partition", partition);
        out.put("offset", offset);
        out.put("timestamp", timestamp);
        out.put("key", key == null ? null : new String(key, StandardCharsets.UTF_8));
        if (value == null) {
            out.put("error", "Tombstone: the record has no value");
            out.put("reason", "NULL_VALUE");
        } else {
            try {
                SpecificRecord event = codec.decode(value);
                out.put("type", event.getSchema().getName());
                out.set("event", toJson(event));
            } catch (EventDecodeException e) {
                out.put("error", e.getMessage());
                out.put("reason", e.reason().name());
                out.set("value", bytes(value));
            }
        }
        try {
            return MAPPER.writeValueAsString(out);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** An event as a JSON tree, byte fields summarized. */
    public static ObjectNode toJson(IndexedRecord record) {
        ObjectNode o = NODES.objectNode();
        for (Schema.Field f : record.getSchema().getFields()) {
            o.set(f.name(), value(record.get(f.pos())));
        }
        return o;
    }

    private static JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof IndexedRecord r) {
            return toJson(r);
        }
        if (v instanceof ByteBuffer b) {
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            return bytes(bytes);
        }
        if (v instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (v instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (v instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (v instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode();
            for (Object item : list) {
                a.add(value(item));
            }
            return a;
        }
        if (v instanceof Map<?, ?> map) {
            ObjectNode m = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                m.set(String.valueOf(e.getKey()), value(e.getValue()));
            }
            return m;
        }
        if (v instanceof CharSequence || v instanceof Enum<?> || v instanceof GenericContainer) {
            return NODES.textNode(v.toString()); // strings, enum symbols, fixed
        }
        return NODES.textNode(v.toString());
    }

    private static JsonNode bytes(byte[] b) {
        if (b.length <= HEX_LIMIT) {
            return NODES.textNode(HEX.formatHex(b));
        }
        ObjectNode o = NODES.objectNode();
        o.put("length", b.length);
        o.put("sha256", HEX.formatHex(sha256(b), 0, 8));
        return o;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }
}
