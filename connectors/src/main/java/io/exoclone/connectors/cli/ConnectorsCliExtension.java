package io.exoclone.connectors.cli;

import io.exoclone.cli.CliExtension;
import picocli.CommandLine;

/** Adds {@code stream} and {@code events tail} to the {@code exoclone} command line. */
public final class ConnectorsCliExtension implements CliExtension {
    @Override
    public void register(CommandLine root) {
        root.addSubcommand(new StreamCommand());
        root.addSubcommand(new EventsCommand());
    }
}
