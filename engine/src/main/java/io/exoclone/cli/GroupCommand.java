package io.exoclone.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base class of a command that only groups subcommands ({@code pool}, {@code volume}): run alone it
 * names the subcommands on one line and exits with the usage code.
 */
public abstract class GroupCommand implements Runnable {
    @Spec protected CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing subcommand: one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
