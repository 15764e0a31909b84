package io.exoclone.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Space held back so that the commits that give space back ({@code rm}, {@code compact}) can be
 * written on a full file system, like ZFS's slop space. The pool keeps a preallocated file {@code
 * reserve} of {@code min(PoolOptions.reserveBytes, file system size / 32)}; ordinary writes and
 * imports cannot use that space. A reclaiming commit deletes the file first when the file system
 * has less free space than its size; compaction and the next open take it back once there is room
 * for it twice over. Design record: docs/design/0007.
 */
final class Reserve {
    static final String FILE = "reserve";

    private final Path file;
    private final FileLayer layer;
    private final long wanted;

    Reserve(Path poolDir, FileLayer layer, long wanted) {
        this.file = poolDir.resolve(FILE);
        this.layer = layer;
        this.wanted = wanted;
    }

    /** The size the reserve should have on this file system (a multiple of 4096). */
    long target() {
        if (wanted <= 0) {
            return 0;
        }
        try {
            long total = Files.getFileStore(file.getParent()).getTotalSpace();
            return Math.max(Engine.BS, Math.min(wanted, total / 32) / Engine.BS * Engine.BS);
        } catch (IOException e) {
            return wanted;
        }
    }

    /** Bytes the reserve file holds now (0 when released). */
    long held() {
        try {
            return layer.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Free space of the file system beyond what the reserve should keep (for compaction). */
    long spare() {
        return Math.max(0, usable() - target());
    }

    private long usable() {
        try {
            return Files.getFileStore(file.getParent()).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Takes the reserve (back) when it is missing and the file system has room for it twice. */
    void hold() {
        long target = target();
        if (target == 0 || held() >= target) {
            return;
        }
        try {
            if (layer.exists(file)) {
                layer.delete(file);
            }
            if (usable() >= 2 * target) {
                layer.preallocate(file, target);
            }
        } catch (IOException e) {
            try {
                layer.delete(file);
            } catch (IOException ignored) {
                // a partial reserve file is replaced at the next attempt
            }
        }
    }

    /** Before a commit that frees space: gives the reserve up when the file system is short. */
    void releaseIfLow() throws IOException {
        long held = held();
        if (held > 0 && usable() < Math.max(held, target())) {
            layer.delete(file);
            layer.syncDirectory(file.getParent());
        }
    }
}
