package io.exoclone.jobs.assemble;

/** One {@code ChangedRange} of a {@code NodeChange}, or one part of a split one (a Flink POJO). */
public class RangePart {
    public static final byte DATA = 0;
    public static final byte ZERO = 1;
    public static final byte TRIM = 2;

    public long startBlock;
    public int blocks;
    public byte kind;
    public byte[] contentHash;
    public byte[] data;
    public int part;
    public int parts;
    public int dataOffset;

    public RangePart() {}
}
