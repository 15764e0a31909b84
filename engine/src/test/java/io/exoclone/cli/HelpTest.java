package io.exoclone.cli;

import static io.exoclone.cli.CliWorkflowTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every built-in command documents itself with examples and answers --help and --version. */
class HelpTest {
    @Test
    void everyCommandHasHelpWithExamples() {
        CommandLine root =
                new Main(
                                new ByteArrayInputStream(new byte[0]),
                                new ByteArrayOutputStream(),
                                new PrintStream(new ByteArrayOutputStream()),
                                Map.of(),
                                false)
                        .commandLine();
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        assertThat(all).hasSizeGreaterThan(15);
        for (CommandLine c : all) {
            String name = c.getCommandSpec().qualifiedName();
            if (name.equals("exoclone help")
                    || name.equals("exoclone volume-count")
                    || name.equals("exoclone hold-pool")) {
                continue;
            }
            assertThat(c.getUsageMessage()).as(name).contains("Examples:");
            String[] words = name.substring("exoclone".length()).strip().split(" ");
            List<String> args = new ArrayList<>(List.of(words));
            args.removeIf(String::isEmpty);
            args.add("--help");
            CliRunner.Result r = ok(new CliRunner(null).run(args.toArray(String[]::new)));
            assertThat(r.out()).as(name).startsWith(c.getCommandSpec().usageMessage().header()[0]);
        }
        assertThat(ok(new CliRunner(null).run("diff", "--version")).out()).startsWith("exoclone ");
    }

    private static void collect(CommandLine c, List<CommandLine> out) {
        if (!out.contains(c)) {
            out.add(c);
        }
        for (CommandLine sub : c.getSubcommands().values()) {
            collect(sub, out);
        }
    }
}
