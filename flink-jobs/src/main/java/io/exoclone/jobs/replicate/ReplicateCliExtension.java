package io.exoclone.jobs.replicate;

import io.exoclone.cli.CliExtension;
import picocli.CommandLine;

/** Adds {@code exoclone apply} (ReplicateJob) to the command line. */
public final class ReplicateCliExtension implements CliExtension {
    @Override
    public void register(CommandLine root) {
        root.addSubcommand(new ApplyCommand());
    }
}
