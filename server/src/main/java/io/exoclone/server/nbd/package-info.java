/**
 * The NBD protocol (fixed newstyle handshake, options, transmission commands and replies) and the
 * server that exports a pool's volumes (writable) and snapshots (read-only) to block clients such
 * as {@code qemu-img}, {@code nbdcopy}, {@code fio} and the kernel's {@code nbd-client}.
 */
package io.exoclone.server.nbd;
