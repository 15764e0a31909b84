package io.exoclone.server.nbd;

import java.util.List;

/**
 * The metadata contexts served: only {@code base:allocation} (which blocks of an export are holes
 * that read as zeros), with context id {@value #BASE_ALLOCATION_ID}. Queries in other namespaces
 * are ignored, as the protocol requires.
 */
final class MetaContexts {
    static final String BASE_ALLOCATION = "base:allocation";
    static final int BASE_ALLOCATION_ID = 1;

    private MetaContexts() {}

    /**
     * The contexts {@code NBD_OPT_LIST_META_CONTEXT} answers: every context for no query, and for
     * {@code base:} (the namespace wildcard) or {@code base:allocation}, that one.
     */
    static List<String> list(List<String> queries) {
        if (queries.isEmpty()) {
            return List.of(BASE_ALLOCATION);
        }
        for (String q : queries) {
            if (q.equals("base:") || q.equals(BASE_ALLOCATION)) {
                return List.of(BASE_ALLOCATION);
            }
        }
        return List.of();
    }

    /**
     * The contexts {@code NBD_OPT_SET_META_CONTEXT} selects: {@code base:allocation} when asked for
     * by name (the wildcard {@code base:} selects nothing there).
     */
    static List<String> select(List<String> queries) {
        return queries.contains(BASE_ALLOCATION) ? List.of(BASE_ALLOCATION) : List.of();
    }
}
