package io.exoclone.server.nbd;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately plain NBD client for tests: it sends exactly the bytes it is told to, including
 * broken ones, and decodes replies without checking them, so tests see what the server sent.
 * Single-threaded.
 */
public final class TestNbdClient implements AutoCloseable {
    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;
    private boolean structured;

    /** One option reply. */
    public record OptionReplyFrame(int option, int type, byte[] data) {
        public boolean isError() {
            return type < 0;
        }

        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** What {@link #go} learnt: size and transmission flags, or the error reply type. */
    public record Go(long size, int flags, int error, List<OptionReplyFrame> replies) {}

    /** One complete reply to a request: error 0 for success, and the data read, if any. */
    public record Reply(
            long cookie, int error, byte[] data, List<long[]> descriptors, String message) {}

    private TestNbdClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new DataInputStream(Channels.newInputStream(channel));
        this.out =
                new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
    }

    public static TestNbdClient connect(InetSocketAddress address) throws IOException {
        return new TestNbdClient(SocketChannel.open(address));
    }

    public static TestNbdClient connect(Path unixSocket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(unixSocket));
        return new TestNbdClient(ch);
    }

    /** Reads the greeting and answers with {@code clientFlags}; returns the handshake flags. */
    public int handshake(int clientFlags) throws IOException {
        long magic = in.readLong();
        long opt = in.readLong();
        if (magic != Handshake.NBDMAGIC || opt != Handshake.IHAVEOPT) {
            throw new IOException("Not an NBD newstyle server");
        }
        int flags = in.readUnsignedShort();
        out.writeInt(clientFlags);
        out.flush();
        return flags;
    }

    /** Fixed newstyle with no zero padding. */
    public TestNbdClient handshake() throws IOException {
        handshake(Handshake.CLIENT_FIXED_NEWSTYLE | Handshake.CLIENT_NO_ZEROES);
        return this;
    }

    public void sendOption(int option, byte[] data) throws IOException {
        out.writeLong(Handshake.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    public OptionReplyFrame readOptionReply() throws IOException {
        long magic = in.readLong();
        if (magic != OptionReply.MAGIC) {
            throw new IOException(String.format("Option reply magic 0x%x", magic));
        }
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptionReplyFrame(option, type, data);
    }

    /** Sends an option and reads replies up to the final one (ACK or an error). */
    public List<OptionReplyFrame> option(int option, byte[] data) throws IOException {
        sendOption(option, data);
        List<OptionReplyFrame> replies = new ArrayList<>();
        while (true) {
            OptionReplyFrame r = readOptionReply();
            replies.add(r);
            if (r.type() == OptionReply.ACK || r.isError()) {
                return replies;
            }
        }
    }

    public TestNbdClient structuredReplies() throws IOException {
        List<OptionReplyFrame> r = option(OptionRequest.STRUCTURED_REPLY, new byte[0]);
        if (r.get(0).type() != OptionReply.ACK) {
            throw new IOException("Structured replies refused");
        }
        structured = true;
        return this;
    }

    /** NBD_OPT_LIST or SET_META_CONTEXT data: name, count, queries. */
    public static byte[] metaContextData(String export, String... queries) {
        byte[] n = export.getBytes(StandardCharsets.UTF_8);
        int len = 8 + n.length;
        for (String q : queries) {
            len += 4 + q.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer b = ByteBuffer.allocate(len).putInt(n.length).put(n).putInt(queries.length);
        for (String q : queries) {
            byte[] qb = q.getBytes(StandardCharsets.UTF_8);
            b.putInt(qb.length).put(qb);
        }
        return b.array();
    }

    /** NBD_OPT_INFO / GO data asking for the given items. */
    public static byte[] infoData(String export, int... items) {
        byte[] n = export.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(6 + n.length + 2 * items.length);
        b.putInt(n.length).put(n).putShort((short) items.length);
        for (int i : items) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** NBD_OPT_GO (or INFO) for {@code export}, asking for the block size. */
    public Go go(int option, String export) throws IOException {
        List<OptionReplyFrame> replies = option(option, infoData(export, InfoReply.BLOCK_SIZE));
        OptionReplyFrame last = replies.get(replies.size() - 1);
        if (last.isError()) {
            return new Go(-1, 0, last.type(), replies);
        }
        for (OptionReplyFrame r : replies) {
            ByteBuffer d = ByteBuffer.wrap(r.data());
            if (r.type() == OptionReply.INFO && d.getShort() == InfoReply.EXPORT) {
                long size = d.getLong();
                return new Go(size, Short.toUnsignedInt(d.getShort()), 0, replies);
            }
        }
        throw new IOException("No NBD_INFO_EXPORT before the ACK");
    }

    public Go go(String export) throws IOException {
        return go(OptionRequest.GO, export);
    }

    /** Sends one request (with a payload for writes). */
    public void send(int type, int flags, long cookie, long offset, long length, byte[] payload)
            throws IOException {
        out.writeInt(Request.MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt((int) length);
        if (payload != null) {
            out.write(payload);
        }
        out.flush();
    }

    /** Reads {@code n} raw bytes. */
    public byte[] readRaw(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Writes raw bytes (for broken requests). */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /**
     * Reads one complete reply. For a simple reply to a successful read, {@code readLength} bytes
     * of data follow the header.
     */
    public Reply reply(int readLength) throws IOException {
        int magic = in.readInt();
        if (magic == SimpleReply.MAGIC) {
            int error = in.readInt();
            long cookie = in.readLong();
            byte[] data = new byte[error == 0 ? readLength : 0];
            in.readFully(data);
            return new Reply(cookie, error, data, List.of(), null);
        }
        if (magic != StructuredReply.MAGIC) {
            throw new IOException(String.format("Reply magic 0x%08x", magic));
        }
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        List<long[]> descriptors = new ArrayList<>();
        int error = 0;
        String message = null;
        long cookie;
        while (true) {
            int flags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            cookie = in.readLong();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            ByteBuffer p = ByteBuffer.wrap(payload);
            if (type == StructuredReply.TYPE_OFFSET_DATA) {
                p.getLong();
                data.write(payload, 8, payload.length - 8);
            } else if (type == StructuredReply.TYPE_OFFSET_HOLE) {
                p.getLong();
                data.write(new byte[p.getInt()], 0, 0);
            } else if (type == StructuredReply.TYPE_BLOCK_STATUS) {
                p.getInt();
                while (p.hasRemaining()) {
                    descriptors.add(new long[] {Integer.toUnsignedLong(p.getInt()), p.getInt()});
                }
            } else if ((type & 0x8000) != 0) {
                error = p.getInt();
                byte[] m = new byte[p.getShort()];
                p.get(m);
                message = new String(m, StandardCharsets.UTF_8);
            }
            if ((flags & StructuredReply.FLAG_DONE) != 0) {
                break;
            }
            if (in.readInt() != StructuredReply.MAGIC) {
                throw new IOException("Chunk magic");
            }
        }
        return new Reply(cookie, error, data.toByteArray(), descriptors, message);
    }

    public Reply read(long offset, int length) throws IOException {
        send(Request.READ, 0, 1, offset, length, null);
        return reply(length);
    }

    public Reply write(long offset, byte[] data, int flags) throws IOException {
        send(Request.WRITE, flags, 2, offset, data.length, data);
        return reply(0);
    }

    public Reply flush() throws IOException {
        send(Request.FLUSH, 0, 3, 0, 0, null);
        return reply(0);
    }

    public Reply command(int type, int flags, long offset, long length) throws IOException {
        send(type, flags, 4, offset, length, null);
        return reply(0);
    }

    public void disconnect() throws IOException {
        send(Request.DISC, 0, 5, 0, 0, null);
    }

    /** Whether the server closed the connection (reads the end of the stream). */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    public boolean isStructured() {
        return structured;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
