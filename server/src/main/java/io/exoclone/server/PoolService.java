package io.exoclone.server;

import io.exoclone.engine.Pool;
import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * One open pool served to many users: owns the {@link Pool} (and so its lock) for as long as it
 * runs, and the {@link ServiceComponent}s that use it. {@link #close()} stops the components in the
 * reverse order of starting, then makes everything written durable; the caller closes the pool.
 *
 * <p>Thread-safe: the pool serializes its own operations; components are added and stopped from the
 * thread that runs the service.
 */
public final class PoolService implements AutoCloseable {
    private final Pool pool;
    private final PrintWriter log;
    private final Deque<ServiceComponent> components = new ArrayDeque<>();
    private boolean closed;

    public PoolService(Pool pool, PrintWriter log) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** The served pool. */
    public Pool pool() {
        return pool;
    }

    /** Where components write messages for the operator (stderr of {@code serve}). */
    public PrintWriter log() {
        return log;
    }

    /** Adds a started component; it is stopped when the service closes. Returns it. */
    public synchronized <T extends ServiceComponent> T add(T component) {
        Objects.requireNonNull(component, "component");
        if (closed) {
            component.close();
            throw new IllegalStateException("The service of pool " + pool.directory() + " stopped");
        }
        components.push(component);
        return component;
    }

    /** The components, in the order they were started. */
    public synchronized List<ServiceComponent> components() {
        List<ServiceComponent> out = new ArrayList<>(components);
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Stops every component (newest first), then commits the pool. A component that fails to stop
     * is reported and the others still stop.
     */
    @Override
    public void close() {
        List<ServiceComponent> stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = new ArrayList<>(components);
            components.clear();
        }
        RuntimeException first = null;
        for (ServiceComponent c : stopping) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.println("exoclone: warning: stopping " + c.describe() + " failed: " + e);
                if (first == null) {
                    first = e;
                }
            }
        }
        pool.sync();
        if (first != null) {
            throw first;
        }
    }
}
