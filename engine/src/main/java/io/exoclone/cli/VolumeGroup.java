package io.exoclone.cli;

import picocli.CommandLine.Command;

/** {@code exoclone volume ...}: create and list volumes. */
@Command(
        name = "volume",
        header = "Create and list volumes.",
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExamples:%n",
        footer = {"  exoclone volume create vm1 --size 4G", "  exoclone volume list"},
        subcommands = {VolumeCreateCommand.class, VolumeListCommand.class})
final class VolumeGroup extends GroupCommand {}
