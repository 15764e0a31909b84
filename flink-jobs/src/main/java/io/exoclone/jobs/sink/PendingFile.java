package io.exoclone.jobs.sink;

import java.util.Arrays;
import java.util.Objects;

/**
 * A finished exo-clone file under its in-progress name, waiting to be committed: the committable of
 * {@link ExocloneFileSink} (a Flink POJO between the assembler and the sink; persisted with {@link
 * PendingFileSerializer}).
 */
public class PendingFile {
    public String exocloneId;
    public String parentId;
    public String volumeId;
    public String volumeName;
    public String inProgressUri;
    public String finalUri;
    public long fileBytes;
    public long payloadBytes;
    public long dedupBytes;
    public long changedBytes;
    public byte[] rootHash;
    public String[] dedupIds;
    public long snapshotCreatedMillis;

    /** When the seal reached the job (processing time), for the seal-to-commit latency. */
    public long sealedAtMillis;

    public PendingFile() {}

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingFile p
                && Objects.equals(exocloneId, p.exocloneId)
                && Objects.equals(parentId, p.parentId)
                && Objects.equals(volumeId, p.volumeId)
                && Objects.equals(volumeName, p.volumeName)
                && Objects.equals(inProgressUri, p.inProgressUri)
                && Objects.equals(finalUri, p.finalUri)
                && fileBytes == p.fileBytes
                && payloadBytes == p.payloadBytes
                && dedupBytes == p.dedupBytes
                && changedBytes == p.changedBytes
                && Arrays.equals(rootHash, p.rootHash)
                && Arrays.equals(dedupIds, p.dedupIds)
                && snapshotCreatedMillis == p.snapshotCreatedMillis
                && sealedAtMillis == p.sealedAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(exocloneId, finalUri, fileBytes);
    }

    @Override
    public String toString() {
        return "PendingFile{" + exocloneId + " -> " + finalUri + ", " + fileBytes + " bytes}";
    }
}
