package io.exoclone.server;

import io.exoclone.cli.CliExtension;
import picocli.CommandLine;

/** Adds {@code serve} to the {@code exoclone} command line. */
public final class ServerCliExtension implements CliExtension {
    @Override
    public void register(CommandLine root) {
        root.addSubcommand(new ServeCommand());
    }
}
