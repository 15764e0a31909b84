package io.exoclone.server.nbd;

import java.util.ArrayList;
import java.util.List;

/**
 * The data of {@code NBD_OPT_LIST_META_CONTEXT} and {@code NBD_OPT_SET_META_CONTEXT}: an export
 * name and zero or more queries such as {@code base:allocation}.
 */
record MetaContextRequest(String exportName, List<String> queries) {
    /** At most this many queries in one option. */
    static final int MAX_QUERIES = 128;

    static MetaContextRequest parse(OptionRequest request) {
        OptionData d = new OptionData(request);
        String name = d.string("the export name");
        long n = d.u32();
        if (n > MAX_QUERIES) {
            throw new OptionException(
                    OptionReply.ERR_TOO_BIG,
                    OptionRequest.name(request.option())
                            + ": "
                            + n
                            + " queries, more than the "
                            + MAX_QUERIES
                            + " served");
        }
        List<String> queries = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            String q = d.string("query " + (i + 1));
            if (q.indexOf(':') <= 0) {
                throw d.invalid("query '" + q + "' does not start with a namespace and a colon");
            }
            queries.add(q);
        }
        d.end();
        return new MetaContextRequest(name, List.copyOf(queries));
    }
}
