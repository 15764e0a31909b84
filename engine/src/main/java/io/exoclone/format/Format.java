package io.exoclone.format;

import io.exoclone.engine.Pool;
import java.nio.charset.StandardCharsets;

/** Constants of format version 1 (FORMAT.md). */
final class Format {
    static final byte[] HEADER_MAGIC = "EXOCLONE".getBytes(StandardCharsets.US_ASCII);
    static final byte[] TRAILER_MAGIC = "EXOCLEND".getBytes(StandardCharsets.US_ASCII);
    static final int MAJOR_VERSION = 1;
    static final int MINOR_VERSION = 0;

    static final int BLOCK_SIZE = Pool.BLOCK_SIZE;

    /** Bytes of the version 1.0 header structure, CRC included. */
    static final int HEADER_SIZE = 128;

    /** Where the payload starts: the header structure padded to one block. */
    static final int PAYLOAD_OFFSET = BLOCK_SIZE;

    static final int TRAILER_SIZE = 256;

    /** Bytes of the trailer covered by the file digest: the digest field starts here. */
    static final int TRAILER_DIGEST_AT = 0x60;

    static final int UUID_SIZE = 16;
    static final int HASH_SIZE = 32;
    static final int SIGNATURE_SIZE = 64;

    static final int SIGNATURE_NONE = 0;
    static final int SIGNATURE_ED25519 = 1;

    /** The largest volume whose size in bytes fits a signed 64-bit integer. */
    static final long MAX_VOLUME_BLOCKS = Long.MAX_VALUE / BLOCK_SIZE;

    /** Readers refuse longer dedup lists (16 MiB of UUIDs). */
    static final int MAX_DEDUP_UUIDS = 1 << 20;

    /** Readers refuse larger Avro blocks; writers make blocks of about {@link #AVRO_SYNC}. */
    static final int MAX_AVRO_BLOCK = 16 << 20;

    /** Readers refuse a larger Avro container header (schemas and summary). */
    static final int MAX_AVRO_HEADER = 1 << 20;

    /** Sync interval handed to the Avro container writer. */
    static final int AVRO_SYNC = 64 * 1024;

    static final String META_SCHEMA = "avro.schema";
    static final String META_CODEC = "avro.codec";
    static final String META_SUMMARY = "exoclone.summary";
    static final String META_SUMMARY_SCHEMA = "exoclone.summary.schema";

    private Format() {}

    static String version(int major, int minor) {
        return major + "." + minor;
    }
}
