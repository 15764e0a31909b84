package io.exoclone.engine;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Threads that hash extents while the writing thread appends their bytes, so large writes use every
 * core: SHA-256 is the most expensive step of the write path.
 */
final class Hashers {
    private static final ExecutorService POOL =
            Executors.newFixedThreadPool(
                    Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                    r -> {
                        Thread t = new Thread(r, "exoclone-hasher");
                        t.setDaemon(true);
                        return t;
                    });

    private Hashers() {}

    static Future<byte[]> submit(Callable<byte[]> task) {
        return POOL.submit(task);
    }

    static byte[] join(Future<byte[]> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExocloneException("Interrupted while hashing", e);
        } catch (ExecutionException e) {
            throw new ExocloneException("Hashing failed: " + e.getCause(), e.getCause());
        }
    }
}
