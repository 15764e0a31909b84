/**
 * The control socket of a served pool ({@code DIR/serve.sock}): how the CLI and the pipeline reach
 * a pool that {@code exoclone serve} holds open.
 *
 * <p>{@link io.exoclone.server.control.ControlServer} (a component of the service) accepts
 * connections and runs each forwarded command line against the served pool; {@link
 * io.exoclone.server.control.ControlClient} is the one client, used by the CLI (through {@link
 * io.exoclone.server.control.ControlPoolServices}, the {@link io.exoclone.cli.PoolServices} of this
 * module) and by {@code replicate} (a feed session, {@link io.exoclone.server.control.RemoteFeed}).
 * The protocol: docs/design/0009-control-socket.md.
 */
package io.exoclone.server.control;
