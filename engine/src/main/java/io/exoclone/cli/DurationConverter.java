package io.exoclone.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Picocli converter for durations: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("([0-9]+)(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Duration d = parse(value);
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException(
                    "Invalid duration '" + value + "': it must be positive");
        }
        return d;
    }

    static Duration parse(String value) {
        String t = value == null ? "" : value.strip();
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "Invalid duration '"
                            + value
                            + "': use a number with ms, s, m or h (500ms, 5s, 2m) or ISO-8601"
                            + " (PT5S)");
        }
    }
}
