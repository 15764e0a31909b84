package io.exoclone.jobs.pipeline;

import picocli.CommandLine;

/** The pipeline's verbs, {@code replicate} and {@code demo}, for the command line. */
public final class PipelineCli {
    private PipelineCli() {}

    public static void register(CommandLine root) {
        root.addSubcommand(new ReplicateCommand());
        root.addSubcommand(new DemoCommand());
    }
}
