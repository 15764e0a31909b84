package io.exoclone.server.control;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a frame's payload, big-endian: {@code int} (4 bytes), {@code long} (8), {@code
 * boolean} (1), string (int length, then UTF-8), list of strings (int count, then each), map of
 * strings (int count, then key and value).
 */
final class Payload {
    private Payload() {}

    static Writer writer() {
        return new Writer();
    }

    /** Builds a payload. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer putInt(int v) {
            return io(() -> out.writeInt(v));
        }

        Writer putLong(long v) {
            return io(() -> out.writeLong(v));
        }

        Writer putBoolean(boolean v) {
            return io(() -> out.writeBoolean(v));
        }

        Writer putString(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return io(
                    () -> {
                        out.writeInt(b.length);
                        out.write(b);
                    });
        }

        Writer putStrings(List<String> list) {
            putInt(list.size());
            list.forEach(this::putString);
            return this;
        }

        Writer putMap(Map<String, String> map) {
            putInt(map.size());
            map.forEach(
                    (k, v) -> {
                        putString(k);
                        putString(v);
                    });
            return this;
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }

        private interface Io {
            void run() throws IOException;
        }

        private Writer io(Io w) {
            try {
                w.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail
            }
            return this;
        }
    }

    /** Reads a payload; a payload too short or with a bad length fails with an IOException. */
    static final class Reader {
        private final byte[] payload;
        private final DataInputStream in;

        Reader(byte[] payload) {
            this.payload = payload;
            this.in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        }

        int getInt() throws IOException {
            return in.readInt();
        }

        long getLong() throws IOException {
            return in.readLong();
        }

        boolean getBoolean() throws IOException {
            return in.readBoolean();
        }

        String getString() throws IOException {
            int n = in.readInt();
            if (n < 0 || n > payload.length) {
                throw new EOFException("Bad string length " + n + " in a control frame");
            }
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw new EOFException("Truncated string in a control frame");
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        List<String> getStrings() throws IOException {
            int n = count();
            List<String> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(getString());
            }
            return out;
        }

        Map<String, String> getMap() throws IOException {
            int n = count();
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                out.put(getString(), getString());
            }
            return out;
        }

        private int count() throws IOException {
            int n = in.readInt();
            if (n < 0 || n > payload.length) {
                throw new EOFException("Bad count " + n + " in a control frame");
            }
            return n;
        }
    }
}
