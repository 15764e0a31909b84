package io.exoclone.engine;

import java.util.List;

/**
 * Where the pool's disk space goes, as {@link Pool#check} finds it.
 *
 * @param segmentBytes committed length of all data segments
 * @param liveBytes of those, bytes that some allocation references
 * @param allocatedBytes disk space the segment files occupy ({@code du}); -1 when unknown. Below
 *     {@code segmentBytes} once dead ranges were punched out
 * @param leakedBytes space no commit accounts for: segment files past their committed length, files
 *     in {@code segments/} or {@code staging/} that no commit names (left by a crash). {@link
 *     Pool#compact} (or the next open) gives it back
 * @param leaks one line per leak
 * @param reserveBytes the space reserve held now (0 when given up on a full file system)
 */
public record SpaceReport(
        long segmentBytes,
        long liveBytes,
        long allocatedBytes,
        long leakedBytes,
        List<String> leaks,
        long reserveBytes) {
    public SpaceReport {
        leaks = List.copyOf(leaks);
    }

    /** Bytes inside segments that nothing references (reclaimed by compact, or already punched). */
    public long deadBytes() {
        return segmentBytes - liveBytes;
    }
}
