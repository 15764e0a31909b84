package io.exoclone.format;

import io.exoclone.engine.CorruptDataException;

/** The file's signature is missing, made by another key than the trusted one, or wrong. */
public class BadSignatureException extends CorruptDataException {
    public BadSignatureException(String file, long offset, String expected) {
        super(file, offset, expected);
    }
}
