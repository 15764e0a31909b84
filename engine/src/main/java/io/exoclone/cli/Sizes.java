package io.exoclone.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Byte counts on the command line: a number with an optional {@code K}, {@code M}, {@code G} or
 * {@code T} suffix in powers of 1024 ({@code KiB} ... {@code TiB} are accepted too), and the
 * matching output formats.
 */
public final class Sizes {
    private static final Pattern SIZE =
            Pattern.compile("([0-9]+)(?:([KMGTkmgt])(?:iB)?)?", Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "KMGT";

    private Sizes() {}

    /**
     * Parses a byte count such as {@code 4096}, {@code 64K} or {@code 4G}.
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    public static long parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "Invalid size '"
                            + text
                            + "': use a number of bytes with an optional K, M, G or T suffix"
                            + " (powers of 1024), for example 4096, 64K or 4G");
        }
        try {
            long n = Long.parseLong(m.group(1));
            if (m.group(2) != null) {
                int power = UNITS.indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
                n = Math.multiplyExact(n, 1L << (10 * power));
            }
            return n;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("Invalid size '" + text + "': too large");
        }
    }

    /**
     * The shortest exact form that {@link #parse} reads back: {@code 4G}, {@code 1536K}, {@code
     * 1000}.
     */
    public static String exact(long bytes) {
        if (bytes > 0) {
            for (int power = UNITS.length(); power >= 1; power--) {
                long unit = 1L << (10 * power);
                if (bytes % unit == 0) {
                    return (bytes / unit) + UNITS.substring(power - 1, power);
                }
            }
        }
        return Long.toString(bytes);
    }

    /** A rounded size for people: {@code 512 B}, {@code 1.5 MiB}, {@code 4.0 GiB}. */
    public static String human(long bytes) {
        if (Math.abs(bytes) < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int unit = -1;
        while (Math.abs(v) >= 1024 && unit < UNITS.length() - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %siB", v, UNITS.charAt(unit));
    }

    /** Picocli converter for size and offset options; a bad value is a usage error (exit 2). */
    public static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
