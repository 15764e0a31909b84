package io.exoclone.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The in-memory register of {@link Pool.Lease}s: which volumes and snapshots are in use. */
final class Leases {
    private final Map<String, List<String>> holders = new HashMap<>();

    static String volume(String name) {
        return "volume:" + name;
    }

    static String snapshot(UUID id) {
        return "snapshot:" + id;
    }

    synchronized Pool.Lease add(String key, String holder) {
        String h = holder == null || holder.isBlank() ? "another user" : holder;
        holders.computeIfAbsent(key, k -> new ArrayList<>()).add(h);
        boolean[] closed = {false};
        return () -> {
            synchronized (Leases.this) {
                if (closed[0]) {
                    return;
                }
                closed[0] = true;
                List<String> l = holders.get(key);
                l.remove(h);
                if (l.isEmpty()) {
                    holders.remove(key);
                }
            }
        };
    }

    /** Throws {@link InUseException} naming the holders when {@code key} is leased. */
    synchronized void checkFree(String key, String what, String verb) {
        List<String> l = holders.get(key);
        if (l != null && !l.isEmpty()) {
            throw new InUseException(
                    what
                            + " is in use by "
                            + (l.size() == 1 ? l.get(0) : l.size() + " users (" + l + ")")
                            + " and cannot be "
                            + verb
                            + " now; disconnect it first");
        }
    }
}
