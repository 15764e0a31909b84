package io.exoclone.cli;

import io.exoclone.engine.Pool;
import io.exoclone.engine.PoolLockedException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base class of a verb that works on the pool named by {@code --pool}, and the one place that
 * decides how the verb reaches that pool:
 *
 * <ol>
 *   <li>inside the service that holds the pool ({@link InService}): on the service's open pool,
 *       which the verb does not close; it commits instead;
 *   <li>when a service holds the pool ({@link PoolServices}, such as {@code exoclone serve} through
 *       its control socket): the command line is sent there and runs as in 1, with this process's
 *       working directory, stdin, stdout and stderr; the exit code comes back;
 *   <li>otherwise the pool is opened here, the verb runs, and the pool is closed (closing commits).
 * </ol>
 *
 * The command line is parsed here in every case, so a usage error never reaches the service. Errors
 * propagate to {@link Main}, which prints one line and maps them to an exit code. Extensions'
 * commands extend this too.
 */
public abstract class PoolCommand implements Callable<Integer> {
    @Spec protected CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        CliContext cli = CliContext.of(spec);
        Optional<Pool> shared = cli.servedPool();
        if (shared.isPresent()) {
            if (!runsInService()) {
                throw new PoolLockedException(
                        "'"
                                + spec.qualifiedName()
                                + "' cannot run inside the service that holds pool "
                                + shared.get().directory());
            }
            return runShared(cli, shared.get());
        }
        Path dir = cli.poolDir();
        Optional<ServedPool> served = findService(dir);
        if (served.isPresent()) {
            try (ServedPool service = served.get()) {
                if (!runsInService()) {
                    throw new PoolLockedException(
                            "Pool "
                                    + dir
                                    + " is served by "
                                    + service.describe()
                                    + "; only one process may hold a pool, stop it first");
                }
                return service.run(
                        cli.invocation(),
                        cli.stdin(),
                        cli.stdout(),
                        cli.stderr(),
                        cli.ownsProcess());
            }
        }
        try (Pool pool = cli.openPool()) {
            return run(cli, pool);
        }
    }

    /**
     * Whether this verb may run inside the service that holds its pool. True unless the verb holds
     * a pool itself for as long as it runs, as {@code serve} does.
     */
    protected boolean runsInService() {
        return true;
    }

    /**
     * Does the command's work.
     *
     * @return the exit code, normally {@link ExitCodes#OK}
     */
    protected abstract int run(CliContext cli, Pool pool) throws Exception;

    /** Runs on a pool the service owns: commits afterwards, as closing would, but keeps it open. */
    private int runShared(CliContext cli, Pool pool) throws Exception {
        int code;
        try {
            code = run(cli, pool);
        } catch (Exception | Error e) {
            try {
                pool.sync();
            } catch (RuntimeException s) {
                e.addSuppressed(s);
            }
            throw e;
        }
        pool.sync();
        return code;
    }

    private static Optional<ServedPool> findService(Path dir) {
        for (PoolServices services :
                ServiceLoader.load(PoolServices.class, PoolCommand.class.getClassLoader())) {
            Optional<ServedPool> served = services.find(dir);
            if (served.isPresent()) {
                return served;
            }
        }
        return Optional.empty();
    }
}
