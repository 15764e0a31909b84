package io.exoclone.engine;

import java.util.List;

/** A three-way merge found ranges both sides changed differently; nothing was changed. */
public class MergeConflictException extends ExocloneException {
    private final List<SnapshotDiff.ChangedRange> conflicts;

    public MergeConflictException(String message, List<SnapshotDiff.ChangedRange> conflicts) {
        super(message);
        this.conflicts = List.copyOf(conflicts);
    }

    public List<SnapshotDiff.ChangedRange> conflicts() {
        return conflicts;
    }
}
