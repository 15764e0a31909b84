package io.exoclone.format;

import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.UUID;

/** UUIDs as 16 bytes in RFC 4122 (big-endian) order, compared as unsigned bytes. */
final class Uuids {
    static final UUID NIL = new UUID(0, 0);

    /** The order of the dedup list: unsigned, byte by byte (not {@link UUID#compareTo}). */
    static final Comparator<UUID> UNSIGNED =
            Comparator.comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
                    .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned);

    private Uuids() {}

    static byte[] toBytes(UUID uuid) {
        return ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array();
    }

    static UUID fromBytes(byte[] bytes, int offset) {
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, 16);
        return new UUID(b.getLong(), b.getLong());
    }
}
