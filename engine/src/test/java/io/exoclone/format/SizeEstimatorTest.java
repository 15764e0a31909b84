package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SizeEstimatorTest {
    @TempDir Path dir;

    @Test
    void estimateIsTheExactSizeOfTheUncompressedFile() throws IOException {
        for (int seed = 0; seed < 30; seed++) {
            // up to 3000 ranges: the metadata then spans several Avro blocks
            Plan plan = Plan.random(new Random(1000 + seed), seed % 5 == 0 ? 3000 : 50);
            Path file = dir.resolve(seed + ".exo");
            plan.write(file, Compression.NONE, Optional.empty());
            assertThat(plan.estimate()).as("seed %d", seed).isEqualTo(Files.size(file));
        }
    }

    @Test
    void signingDoesNotChangeTheSize() throws IOException {
        Plan plan = Plan.random(new Random(99), 20);
        Path file = dir.resolve("signed.exo");
        plan.write(file, Compression.NONE, Optional.of(Signer.of(Signing.generateKeyPair())));
        assertThat(plan.estimate()).isEqualTo(Files.size(file));
    }

    @Test
    void estimatorAppliesTheWriterRules() {
        try (SizeEstimator e = new SizeEstimator(BadFiles.UUID_SELF)) {
            e.addData(4, 2);
            assertThatThrownBy(() -> e.addZero(5, 1))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("ascending");
            assertThatThrownBy(() -> e.fileSize(4096))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("reaching block 6");
        }
    }
}
