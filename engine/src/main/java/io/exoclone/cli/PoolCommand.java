package io.exoclone.cli;

import io.exoclone.engine.Pool;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base class of a verb that works on the pool named by {@code --pool}: opens it, runs {@link #run},
 * and closes it (closing commits). Errors propagate to {@link Main}, which prints one line and maps
 * them to an exit code. Extensions' commands extend this too.
 */
public abstract class PoolCommand implements Callable<Integer> {
    @Spec protected CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        try (Pool pool = cli.openPool()) {
            return run(cli, pool);
        }
    }

    /**
     * Does the command's work.
     *
     * @return the exit code, normally {@link ExitCodes#OK}
     */
    protected abstract int run(CliContext cli, Pool pool) throws Exception;
}
