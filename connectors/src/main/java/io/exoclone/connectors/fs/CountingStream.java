package io.exoclone.connectors.fs;

import java.io.IOException;
import java.io.OutputStream;

/** The {@link InProgressFile#stream()} of both implementations: counts, then hands bytes on. */
final class CountingStream extends OutputStream {
    interface Target {
        OutputStream current() throws IOException;
    }

    private final Target target;
    private long count;

    CountingStream(Target target, long start) {
        this.target = target;
        this.count = start;
    }

    long count() {
        return count;
    }

    @Override
    public void write(int b) throws IOException {
        target.current().write(b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        target.current().write(b, off, len);
        count += len;
    }

    /** Does nothing: {@link InProgressFile#persist()} makes bytes durable. */
    @Override
    public void flush() {}

    @Override
    public void close() {}
}
