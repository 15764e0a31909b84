package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Hex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The worked example of FORMAT.md shows the bytes of the golden file {@code raw.exo}. */
class FormatSpecTest {
    private static final Pattern XXD_LINE =
            Pattern.compile("^([0-9a-f]{8}): ((?:[0-9a-f]{4} ?){1,8})", Pattern.MULTILINE);

    @Test
    void hexExampleMatchesTheGoldenFile() throws Exception {
        Path spec = Path.of(System.getProperty("user.dir")).resolve("../FORMAT.md");
        if (!Files.exists(spec)) {
            spec = Path.of("FORMAT.md");
        }
        byte[] golden =
                Files.readAllBytes(
                        Path.of(getClass().getResource("/golden/format-v1/raw.exo").toURI()));
        Matcher m = XXD_LINE.matcher(Files.readString(spec));
        int lines = 0;
        while (m.find()) {
            int offset = Integer.parseInt(m.group(1), 16);
            byte[] shown = Hex.decode(m.group(2).replace(" ", ""));
            assertThat(Hex.encode(Arrays.copyOfRange(golden, offset, offset + shown.length)))
                    .as("FORMAT.md line %s", m.group(1))
                    .isEqualTo(Hex.encode(shown));
            lines++;
        }
        assertThat(lines).isGreaterThanOrEqualTo(16);
    }
}
