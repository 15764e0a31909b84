package io.exoclone.jobs.assemble;

/** Keyed state of {@link SnapshotAssembler} for one snapshot (a Flink POJO). */
public class AssemblyProgress {
    /** The ordinal of the next chunk to write; every lower one is in the file. */
    public long nextOrdinal;

    /** The in-progress file was started: {@link #fileBytes} of it are written. */
    public boolean started;

    /** Bytes of the in-progress file after the last chunk written (header included). */
    public long fileBytes;

    /** Volume id, parent id and header creation time of the file, once known. */
    public String volumeId;

    public String parentId;
    public long createdMillis;

    /**
     * The writer refused the snapshot, or the splitter abandoned it: only this marker is left, and
     * its late payloads and verdicts are dropped until a timer clears it.
     */
    public boolean failed;

    public AssemblyProgress() {}
}
