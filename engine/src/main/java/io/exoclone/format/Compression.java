package io.exoclone.format;

/** How the payload of DATA ranges is stored. */
public enum Compression {
    /** Raw, block-aligned bytes that an importer can use in place. */
    NONE,
    /** One standard LZ4 frame per DATA range. */
    LZ4
}
