package io.exoclone.cli;

import picocli.CommandLine.Command;

/** {@code exoclone pool ...}: pool administration. */
@Command(
        name = "pool",
        header = "Create pools.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {PoolInitCommand.class})
final class PoolGroup extends GroupCommand {}
