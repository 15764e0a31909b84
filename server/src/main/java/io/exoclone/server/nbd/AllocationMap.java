package io.exoclone.server.nbd;

import io.exoclone.engine.Extent;
import io.exoclone.engine.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to {@code NBD_CMD_BLOCK_STATUS} in the {@code base:allocation} context: consecutive
 * byte ranges, each either data (flags 0) or a hole that reads as zeros ({@code NBD_STATE_HOLE |
 * NBD_STATE_ZERO}). A block no extent covers was never written, was trimmed or was written with
 * zeros (the engine stores no zero blocks), so the holes are exactly what reads as zeros.
 */
final class AllocationMap {
    static final int STATE_HOLE = 1;
    static final int STATE_ZERO = 1 << 1;

    /** Longest range looked at for one request: the client asks again for the rest. */
    static final long MAX_SCAN = 1L << 30;

    /** Most descriptors in one reply. */
    static final int MAX_DESCRIPTORS = 4096;

    /** One range of the answer. */
    record Descriptor(long length, int flags) {}

    private AllocationMap() {}

    /**
     * Describes {@code [offset, offset + length)} from the extents that intersect it (sorted, not
     * overlapping, in blocks). With {@code one}, only the first range. Stops early after {@link
     * #MAX_DESCRIPTORS} ranges; never describes past the requested range.
     */
    static List<Descriptor> describe(List<Extent> extents, long offset, long length, boolean one) {
        int max = one ? 1 : MAX_DESCRIPTORS;
        long end = offset + length;
        List<Descriptor> out = new ArrayList<>();
        long pos = offset;
        for (Extent x : extents) {
            long s = Math.max(pos, x.lba() * Pool.BLOCK_SIZE);
            long e = Math.min(end, x.endLba() * Pool.BLOCK_SIZE);
            if (e <= pos) {
                continue;
            }
            if (s > pos && !add(out, s - pos, STATE_HOLE | STATE_ZERO, max)) {
                return out;
            }
            if (s < e && !add(out, e - s, 0, max)) {
                return out;
            }
            pos = e;
            if (pos >= end) {
                return out;
            }
        }
        if (pos < end) {
            add(out, end - pos, STATE_HOLE | STATE_ZERO, max);
        }
        return out;
    }

    /** Appends a range, merged with the last one when their flags agree; false when full. */
    private static boolean add(List<Descriptor> out, long length, int flags, int max) {
        if (!out.isEmpty() && out.get(out.size() - 1).flags() == flags) {
            Descriptor last = out.remove(out.size() - 1);
            out.add(new Descriptor(last.length() + length, flags));
            return true;
        }
        if (out.size() == max) {
            return false;
        }
        out.add(new Descriptor(length, flags));
        return true;
    }
}
