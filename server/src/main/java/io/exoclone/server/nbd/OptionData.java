package io.exoclone.server.nbd;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over the data of one option. Anything that does not fit the option's own length, or is
 * not valid UTF-8, is an {@link OptionException} with {@code NBD_REP_ERR_INVALID}: the option is
 * refused and the handshake goes on.
 */
final class OptionData {
    private final int option;
    private final ByteBuffer data;

    OptionData(OptionRequest request) {
        this.option = request.option();
        this.data = ByteBuffer.wrap(request.data());
    }

    int u16() {
        need(2, "a 16-bit number");
        return Short.toUnsignedInt(data.getShort());
    }

    long u32() {
        need(4, "a 32-bit number");
        return Integer.toUnsignedLong(data.getInt());
    }

    /** A string preceded by its 32-bit length. */
    String string(String what) {
        long n = u32();
        if (n > OptionReply.MAX_STRING) {
            throw invalid(what + " of " + n + " bytes is longer than 4096 bytes");
        }
        need((int) n, what);
        byte[] b = new byte[(int) n];
        data.get(b);
        try {
            String s =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b))
                            .toString();
            if (s.indexOf('\0') >= 0) {
                throw invalid(what + " contains a NUL character");
            }
            return s;
        } catch (CharacterCodingException e) {
            throw invalid(what + " is not valid UTF-8");
        }
    }

    /** Checks that nothing is left over. */
    void end() {
        if (data.hasRemaining()) {
            throw invalid(data.remaining() + " unexpected bytes at the end");
        }
    }

    private void need(int n, String what) {
        if (data.remaining() < n) {
            throw invalid(
                    "the data ends where "
                            + what
                            + " needs "
                            + n
                            + " bytes ("
                            + data.remaining()
                            + " left)");
        }
    }

    OptionException invalid(String problem) {
        return new OptionException(
                OptionReply.ERR_INVALID, OptionRequest.name(option) + ": " + problem);
    }
}
