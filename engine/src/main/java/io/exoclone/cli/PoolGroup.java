package io.exoclone.cli;

import picocli.CommandLine.Command;

/** {@code exoclone pool ...}: pool administration. */
@Command(
        name = "pool",
        header = "Create pools.",
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone pool init /tmp/p"},
        subcommands = {PoolInitCommand.class})
final class PoolGroup extends GroupCommand {}
