package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;

/**
 * The file is a well-formed exo-clone of a version or with features this reader does not know (an
 * unknown major version, an unknown must-understand flag, an unknown metadata schema).
 */
public class UnsupportedFormatException extends CorruptDataException {
    public UnsupportedFormatException(String file, long offset, String expected) {
        super(file, offset, expected);
    }
}
