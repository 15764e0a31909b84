package io.exoclone.cli;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the running service (such as {@code exoclone serve}) that holds a pool open, so that a verb
 * can run there instead of opening the pool itself.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.exoclone.cli.PoolServices}); the engine ships none, so without another
 * module on the class path every verb opens its pool directly. The choice between the two is made
 * in one place, {@link PoolCommand}.
 */
public interface PoolServices {
    /**
     * The service holding the pool in {@code poolDir}, if one runs. Empty when none does, including
     * when a service that died left its endpoint behind (the caller then opens the pool, which
     * fails with exit code 4 if something else holds it).
     *
     * @throws io.exoclone.engine.PoolLockedException when a service holds the pool but does not
     *     answer
     */
    Optional<ServedPool> find(Path poolDir);
}
