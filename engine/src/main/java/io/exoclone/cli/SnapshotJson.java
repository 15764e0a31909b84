package io.exoclone.cli;

import io.exoclone.engine.Snapshot;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of a snapshot in the command line's {@code --json} outputs. */
final class SnapshotJson {
    private SnapshotJson() {}

    static Map<String, Object> of(Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id().toString());
        m.put("parent", s.parentId().map(Object::toString).orElse(null));
        m.put("mergeParent", s.mergeParentId().map(Object::toString).orElse(null));
        m.put("volume", s.volume());
        m.put("tag", s.tag().orElse(null));
        m.put("generation", s.generation());
        m.put("created", s.created().toString());
        m.put("size", s.size());
        m.put("rootHash", s.rootHashHex());
        return m;
    }
}
