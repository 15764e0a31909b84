package io.exoclone.cli;

import io.exoclone.engine.Pool;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exoclone pool init DIR}. */
@Command(
        name = "init",
        header = "Create an empty pool in a new or empty directory.",
        description = "DIR defaults to --pool or $EXOCLONE_POOL.",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone pool init /tmp/p", "  EXOCLONE_POOL=/tmp/p exoclone pool init"})
final class PoolInitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
            paramLabel = "DIR",
            arity = "0..1",
            description = "Directory to create the pool in.")
    Path dir;

    @Override
    public Integer call() {
        CliContext cli = CliContext.of(spec);
        Path target = dir != null ? dir : cli.poolDir();
        try (Pool pool = Pool.create(target)) {
            cli.out().println("Created empty pool " + pool.directory().toAbsolutePath());
        }
        return ExitCodes.OK;
    }
}
