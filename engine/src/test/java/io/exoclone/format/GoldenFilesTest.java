package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every committed golden file must stay readable, and read as its sidecar says. */
class GoldenFilesTest {
    private static final String DIR = "/golden/format-v1/";

    @TempDir Path tmp;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(GoldenFilesTest.class.getResource(DIR + name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "lz4", "signed"})
    void goldenFileReadsAsItsSidecarSays(String name) throws Exception {
        Path file = resource(name + ".exo");
        assertThat(Files.size(file)).isLessThan(32 * 1024);
        ObjectMapper json = new ObjectMapper();
        JsonNode expected = json.readTree(resource(name + ".json").toFile());
        Signer key = Signing.readSigner(resource(GoldenFiles.KEY));
        try (ExocloneReader r = ExocloneReader.open(file)) {
            r.verify(name.equals("signed") ? Optional.of(key.publicKey()) : Optional.empty());
            JsonNode actual = json.readTree(json.writeValueAsString(r.inspect()));
            assertThat(actual).isEqualTo(expected);
            assertThat(BadFiles.failure(file, Optional.empty())).isNull();
        }
    }

    /**
     * Guards against changing version 1 by accident. When the format changes on purpose, write
     * golden files for the new version into a new folder and point this test there; keep reading
     * the old ones above.
     */
    @ParameterizedTest
    @ValueSource(strings = {"raw", "signed"})
    void writerStillWritesTheGoldenBytes(String name) throws Exception {
        Path again = tmp.resolve(name + ".exo");
        GoldenFiles.write(name, again, Signing.readSigner(resource(GoldenFiles.KEY)));
        assertThat(Files.readAllBytes(again))
                .isEqualTo(Files.readAllBytes(resource(name + ".exo")));
    }

    @Test
    void theCommittedKeyIsATestKey() throws Exception {
        assertThat(Files.readString(resource(GoldenFiles.KEY))).contains("PRIVATE KEY");
        assertThat(GoldenFiles.NAMES).containsExactly("raw", "lz4", "signed");
    }
}
