package io.exoclone.cli;

import io.exoclone.engine.Pool;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * An extension found through {@code META-INF/services} in the test resources: adds {@code
 * volume-count}, the way connectors and flink-jobs add their verbs.
 */
public final class TestCliExtension implements CliExtension {
    @Override
    public void register(CommandLine root) {
        root.addSubcommand(new VolumeCount());
        root.addSubcommand(new HoldPool());
    }

    @Command(name = "volume-count", header = "Print the number of volumes (test extension).")
    static final class VolumeCount extends PoolCommand {
        @Override
        protected int run(CliContext cli, Pool pool) {
            cli.out().println(pool.volumes().size());
            return ExitCodes.OK;
        }
    }

    /** A verb that holds its pool itself, as {@code serve} does: never run inside a service. */
    @Command(name = "hold-pool", header = "Open the pool and print its directory (test extension).")
    static final class HoldPool extends PoolCommand {
        @Override
        protected boolean runsInService() {
            return false;
        }

        @Override
        protected int run(CliContext cli, Pool pool) {
            cli.out().println(pool.directory());
            return ExitCodes.OK;
        }
    }
}
