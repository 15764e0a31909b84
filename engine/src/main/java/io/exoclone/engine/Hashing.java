package io.exoclone.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Content hashes and the Merkle sums of the B-tree.
 *
 * <p>Each extent contributes {@code c = SHA-256(lba || blocks || contentHash)}, read as a 256-bit
 * little-endian integer. A node's sum is the sum (mod 2^256) of its entries' or children's sums, so
 * a node records a hash of its children, and the root sum depends only on the set of extents, never
 * on the shape of the tree: a replica that rebuilds the same extents gets the same root.
 */
final class Hashing {
    static final int HASH_BYTES = 32;
    private static final byte[] ROOT_DOMAIN =
            "exoclone-root-v1".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadLocal<MessageDigest> SHA256 =
            ThreadLocal.withInitial(Hashing::newSha256);

    private Hashing() {}

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }

    static byte[] sha256(byte[] data, int off, int len) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(data, off, len);
        return md.digest();
    }

    static byte[] sha256(ByteBuffer data) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(data.duplicate());
        return md.digest();
    }

    /** The contribution of one extent to the Merkle sums. */
    static long[] contribution(long lba, int blocks, byte[] contentHash) {
        MessageDigest md = SHA256.get();
        md.reset();
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(lba).putInt(blocks);
        md.update(b.array());
        md.update(contentHash);
        return fromBytes(md.digest());
    }

    /** The root hash of a volume image: binds the Merkle sum to the logical size. */
    static byte[] rootHash(long volumeSize, long[] sum) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(ROOT_DOMAIN);
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(volumeSize).putInt(Pool.BLOCK_SIZE);
        md.update(b.array());
        md.update(toBytes(sum));
        return md.digest();
    }

    static long[] zeroSum() {
        return new long[4];
    }

    /** {@code acc += x} mod 2^256. */
    static void add(long[] acc, long[] x) {
        long carry = 0;
        for (int i = 0; i < 4; i++) {
            long a = acc[i];
            long s = a + x[i];
            long c1 = Long.compareUnsigned(s, a) < 0 ? 1 : 0;
            long s2 = s + carry;
            long c2 = Long.compareUnsigned(s2, s) < 0 ? 1 : 0;
            acc[i] = s2;
            carry = c1 | c2;
        }
    }

    /** {@code acc -= x} mod 2^256. */
    static void sub(long[] acc, long[] x) {
        long[] neg = new long[4];
        long carry = 1;
        for (int i = 0; i < 4; i++) {
            long s = ~x[i] + carry;
            carry = (carry == 1 && s == 0) ? 1 : 0;
            neg[i] = s;
        }
        add(acc, neg);
    }

    private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
                    long[].class, ByteOrder.BIG_ENDIAN);

    /** The 8 bytes of a content hash at {@code offset}, as a big-endian long. */
    static long longAt(byte[] hash, int offset) {
        return (long) BIG_ENDIAN_LONGS.get(hash, offset);
    }

    /** Stores {@code value} big-endian at {@code offset} of {@code hash} (see {@link #longAt}). */
    static void putLongAt(byte[] hash, int offset, long value) {
        BIG_ENDIAN_LONGS.set(hash, offset, value);
    }

    static long[] fromBytes(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        return new long[] {bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong()};
    }

    static byte[] toBytes(long[] sum) {
        ByteBuffer bb = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : sum) {
            bb.putLong(l);
        }
        return bb.array();
    }
}
