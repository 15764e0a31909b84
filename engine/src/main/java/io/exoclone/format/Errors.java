package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.ExocloneException;
import java.io.EOFException;
import java.io.IOException;

/** Turns I/O failures of a reader into project exceptions. */
final class Errors {
    private Errors() {}

    static ExocloneException io(String file, IOException e) {
        if (e instanceof EOFException) {
            return new CorruptDataException(
                    file, -1, "more bytes; the file ended early (did it shrink while reading?)");
        }
        return new ExocloneException("Cannot read " + file + ": " + e.getMessage(), e);
    }
}
