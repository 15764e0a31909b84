package io.exoclone.jobs.pipeline;

import java.util.Locale;

/** Human-readable sizes and durations for the pipeline's output. */
final class Bytes {
    private Bytes() {}

    /** {@code 512B}, {@code 4.0KiB}, {@code 1.5MiB}, {@code 2.0GiB}. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }

    /** {@code 850ms}, {@code 2.4s}. */
    static String seconds(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
