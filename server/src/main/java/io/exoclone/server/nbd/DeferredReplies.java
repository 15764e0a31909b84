package io.exoclone.server.nbd;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * The replies of one connection that wait for a commit (flushes, FUA writes). The commit thread
 * hands them here and goes on; they are written, in the order they became ready, by a thread of a
 * shared pool: one at a time per connection, so a client that stops reading blocks only its own
 * replies, never the commit of other connections.
 */
final class DeferredReplies {
    private final Executor executor;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private boolean draining;
    private int pending;

    DeferredReplies(Executor executor) {
        this.executor = executor;
    }

    /** A request now waits for a commit; {@link #awaitNone} waits for its reply. */
    synchronized void expect() {
        pending++;
    }

    /** The reply of an expected request is ready to be sent by {@code send}. */
    void ready(Runnable send) {
        synchronized (this) {
            ready.add(send);
            if (draining) {
                return;
            }
            draining = true;
        }
        executor.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = ready.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                next.run();
            } finally {
                synchronized (this) {
                    pending--;
                    notifyAll();
                }
            }
        }
    }

    /** Waits until every expected reply was sent (or failed to send). */
    synchronized void awaitNone() throws InterruptedException {
        while (pending > 0) {
            wait();
        }
    }
}
