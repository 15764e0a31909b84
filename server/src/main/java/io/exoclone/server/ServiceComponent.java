package io.exoclone.server;

/**
 * A part of a running {@link PoolService} (the NBD server, the control socket, a snapshot
 * schedule): started by its own factory, stopped by {@link #close()} when the service stops, in the
 * reverse order of starting.
 */
public interface ServiceComponent extends AutoCloseable {
    /** One line for the start-up message, for example {@code nbd://127.0.0.1:10809}. */
    String describe();

    /** Stops the component: closes its connections and returns when its threads are done. */
    @Override
    void close();
}
