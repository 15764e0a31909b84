package io.exoclone.jobs.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;

/**
 * Holds the files finished since the last checkpoint and hands them to the committer at the
 * checkpoint (phase one). The files themselves were written by the assembler; a file not yet handed
 * over when the job fails is resumed or rewritten by the assembler from the replayed input.
 */
final class PendingFileWriter implements CommittingSinkWriter<PendingFile, PendingFile> {
    private final List<PendingFile> pending = new ArrayList<>();

    @Override
    public void write(PendingFile file, Context context) {
        pending.add(file);
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public Collection<PendingFile> prepareCommit() {
        List<PendingFile> out = new ArrayList<>(pending);
        pending.clear();
        return out;
    }

    @Override
    public void close() {}
}
