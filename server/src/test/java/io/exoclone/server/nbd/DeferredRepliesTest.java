package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeferredRepliesTest {
    @Test
    void repliesGoOutInOrderOneAtATimeAndAwaitNoneWaitsForThem() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            DeferredReplies d = new DeferredReplies(pool);
            List<Integer> sent = new CopyOnWriteArrayList<>();
            CountDownLatch release = new CountDownLatch(1);
            for (int i = 0; i < 5; i++) {
                d.expect();
            }
            d.ready(
                    () -> {
                        try {
                            release.await(); // a client that does not read
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        sent.add(0);
                    });
            for (int i = 1; i < 5; i++) {
                int n = i;
                d.ready(() -> sent.add(n)); // does not block the caller
            }
            Thread waiter =
                    new Thread(
                            () -> {
                                try {
                                    d.awaitNone();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            waiter.start();
            waiter.join(200);
            assertThat(waiter.isAlive()).isTrue();
            assertThat(sent).isEmpty();
            release.countDown();
            waiter.join(5000);
            assertThat(waiter.isAlive()).isFalse();
            assertThat(sent).containsExactly(0, 1, 2, 3, 4);
        } finally {
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
