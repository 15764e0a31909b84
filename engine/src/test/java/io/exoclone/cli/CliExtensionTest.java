package io.exoclone.cli;

import static io.exoclone.cli.CliWorkflowTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verbs from {@link CliExtension}s found by the service loader behave like built-in ones. */
class CliExtensionTest {
    @TempDir Path tmp;

    @Test
    void extensionVerbGetsThePoolHelpAndErrors() {
        Path pool = tmp.resolve("p");
        CliRunner cli = new CliRunner(pool);
        ok(cli.run("pool", "init", pool.toString()));
        ok(cli.run("volume", "create", "a", "--size", "4K"));
        ok(cli.run("volume", "create", "b", "--size", "4K"));

        assertThat(ok(cli.run("volume-count")).out().strip()).isEqualTo("2");
        assertThat(ok(new CliRunner(null).run("volume-count", "--pool", pool.toString())).out())
                .isEqualTo("2\n");
        assertThat(ok(cli.run("volume-count", "--help")).out())
                .contains("Usage: exoclone volume-count");
        assertThat(ok(new CliRunner(null).run("--help")).out()).contains("volume-count");
        assertThat(new CliRunner(tmp.resolve("none")).run("volume-count").code())
                .isEqualTo(ExitCodes.NOT_FOUND);
    }
}
