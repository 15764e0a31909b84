/**
 * {@code exoclone serve}: the pool as a long-running service.
 *
 * <p>{@link io.exoclone.server.PoolService} owns one open {@link io.exoclone.engine.Pool} (and so
 * its lock) for as long as the service runs, and the {@link io.exoclone.server.ServiceComponent}s
 * that use it: the NBD server (package {@code nbd}) through which real block clients read and write
 * volumes, and the control socket (package {@code control}) through which the CLI reaches the
 * served pool. {@link io.exoclone.server.ServeCommand} wires them from the command line.
 *
 * <p>This module depends on the engine only; it never depends on Flink or Hadoop.
 */
package io.exoclone.server;
