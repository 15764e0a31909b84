package io.exoclone.server.nbd;

import io.exoclone.engine.Pool;

/**
 * What the handshake of one connection agreed on: the export (leased for as long as the connection
 * lasts), its transmission flags, whether replies are structured, whether {@code base:allocation}
 * was selected for this export, and the export's loss count when the connection started.
 */
record Session(
        Export export,
        Pool.Lease lease,
        int transmissionFlags,
        boolean structuredReplies,
        boolean blockStatus,
        long lossesAtStart) {}
