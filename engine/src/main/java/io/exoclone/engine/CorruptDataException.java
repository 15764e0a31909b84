package io.exoclone.engine;

/**
 * Data on disk does not match its checksum or structure. Names the file, offset and expectation.
 */
public class CorruptDataException extends ExocloneException {
    private final String file;
    private final long offset;

    public CorruptDataException(String file, long offset, String expected) {
        super(String.format("Corrupt data in %s at offset %d: %s", file, offset, expected));
        this.file = file;
        this.offset = offset;
    }

    public String file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
