package io.exoclone.server.nbd;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Frames as hex strings, to compare them byte for byte. */
final class Bytes {
    private Bytes() {}

    static String hex(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return HexFormat.of().formatHex(a);
    }

    static String hex(byte[] a) {
        return HexFormat.of().formatHex(a);
    }

    /** Parses hex with spaces for readability. */
    static byte[] of(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }
}
