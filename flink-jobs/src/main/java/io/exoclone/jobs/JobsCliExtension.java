package io.exoclone.jobs;

import io.exoclone.cli.CliExtension;
import io.exoclone.jobs.pipeline.PipelineCli;
import picocli.CommandLine;

/**
 * Adds the streaming verbs ({@code assemble}, and the whole pipeline: {@code replicate}, {@code
 * demo}) to the {@code exoclone} command line.
 */
public final class JobsCliExtension implements CliExtension {
    @Override
    public void register(CommandLine root) {
        root.addSubcommand(new AssembleCommand());
        PipelineCli.register(root);
    }
}
