package io.exoclone.jobs;

import io.exoclone.cli.CliExtension;
import picocli.CommandLine;

/** Adds the streaming verbs ({@code assemble}) to the {@code exoclone} command line. */
public final class JobsCliExtension implements CliExtension {
    @Override
    public void register(CommandLine root) {
        root.addSubcommand(new AssembleCommand());
    }
}
