package io.exoclone.server.nbd;

import java.util.ArrayList;
import java.util.List;

/**
 * The data of {@code NBD_OPT_INFO} and {@code NBD_OPT_GO}: the export name and the information
 * items the client asks for ({@code NBD_INFO_*}).
 */
record InfoRequest(String exportName, List<Integer> items) {
    static InfoRequest parse(OptionRequest request) {
        OptionData d = new OptionData(request);
        String name = d.string("the export name");
        int n = d.u16();
        List<Integer> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(d.u16());
        }
        d.end();
        return new InfoRequest(name, List.copyOf(items));
    }

    boolean wants(int item) {
        return items.contains(item);
    }
}
