package io.exoclone.connectors.cli;

import io.exoclone.cli.GroupCommand;
import picocli.CommandLine.Command;

/** {@code exoclone events ...}: read exoclone topics. */
@Command(
        name = "events",
        header = "Read exoclone Kafka topics.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = EventsTailCommand.class)
final class EventsCommand extends GroupCommand {}
