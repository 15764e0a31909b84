/**
 * The control socket of a served pool: how the CLI and the pipeline reach a pool that {@code
 * exoclone serve} holds open.
 */
package io.exoclone.server.control;
