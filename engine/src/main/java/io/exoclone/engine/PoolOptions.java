package io.exoclone.engine;

/**
 * Tuning knobs of a pool. Build with {@link #builder()}; every value is checked in {@link
 * Builder#build()}.
 */
public final class PoolOptions {
    private final long segmentSize;
    private final long groupCommitBytes;
    private final boolean fsync;
    private final long reserveBytes;

    private PoolOptions(Builder b) {
        this.segmentSize = b.segmentSize;
        this.groupCommitBytes = b.groupCommitBytes;
        this.fsync = b.fsync;
        this.reserveBytes = b.reserveBytes;
    }

    public static PoolOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A data segment is closed and a new one started once it reaches this size. */
    public long segmentSize() {
        return segmentSize;
    }

    /** Pending written bytes that trigger a group commit. */
    public long groupCommitBytes() {
        return groupCommitBytes;
    }

    /** Whether commits call fsync (only tests and benchmarks turn this off). */
    public boolean fsync() {
        return fsync;
    }

    /**
     * Space held back (a preallocated file in the pool) so that deleting and compacting can commit
     * on a full file system; at most 1/32 of the file system. 0 turns it off.
     */
    public long reserveBytes() {
        return reserveBytes;
    }

    /** Builder of {@link PoolOptions}. */
    public static final class Builder {
        private long segmentSize = 256L << 20;
        private long groupCommitBytes = 64L << 20;
        private boolean fsync = true;
        private long reserveBytes = 8L << 20;

        private Builder() {}

        public Builder segmentSize(long bytes) {
            this.segmentSize = bytes;
            return this;
        }

        public Builder groupCommitBytes(long bytes) {
            this.groupCommitBytes = bytes;
            return this;
        }

        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        public Builder reserveBytes(long bytes) {
            this.reserveBytes = bytes;
            return this;
        }

        public PoolOptions build() {
            if (reserveBytes < 0) {
                throw new InvalidArgumentException(
                        "Reserve bytes must not be negative, got " + reserveBytes);
            }
            if (segmentSize < (1 << 20) || segmentSize % Pool.BLOCK_SIZE != 0) {
                throw new InvalidArgumentException(
                        "Segment size must be a multiple of 4096 and at least 1 MiB, got "
                                + segmentSize);
            }
            if (groupCommitBytes < Pool.BLOCK_SIZE) {
                throw new InvalidArgumentException(
                        "Group commit bytes must be at least 4096, got " + groupCommitBytes);
            }
            return new PoolOptions(this);
        }
    }
}
