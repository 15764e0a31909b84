package io.exoclone.connectors.feed;

import static io.exoclone.connectors.feed.FeedTesting.WAIT;
import static io.exoclone.connectors.feed.FeedTesting.assertSealedInOrder;
import static io.exoclone.connectors.feed.FeedTesting.churn;
import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.testutils.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away while the feed streams, even in the middle of a transaction. */
class ChangeFeedOutageITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @TempDir Path tmp;

    @AfterEach
    void brokerBack() {
        if (!KAFKA.isRunning()) {
            KAFKA.restart();
        }
    }

    private static ChangeFeedConfig config() {
        return FeedTesting.config(KAFKA.bootstrapServers())
                .kafkaTimeout(Duration.ofSeconds(4))
                .build();
    }

    @Test
    void theFeedCatchesUpAfterTheBrokerComesBack() throws Exception {
        ChangeFeedConfig config = config();
        FeedTesting.Recorder rec = new FeedTesting.Recorder();
        List<Snapshot> taken = new ArrayList<>();
        Random rnd = new Random(11);
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed = ChangeFeed.start(pool, config, rec)) {
            pool.createVolume("v", 8 << 20);
            churn(pool, "v", rnd, 10);
            taken.add(pool.snapshot("v", null));
            feed.awaitCaughtUp(WAIT);

            KAFKA.stop();
            for (int i = 0; i < 3; i++) {
                churn(pool, "v", rnd, 10);
                taken.add(pool.snapshot("v", null));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (rec.retries.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(rec.retries).as("the feed noticed the outage").isNotEmpty();
            assertThat(rec.published).hasSize(1);
            KAFKA.restart();

            feed.awaitCaughtUp(WAIT);
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(4, WAIT);
                assertSealedInOrder(reader.drain(Duration.ofSeconds(1)), taken);
                Replica replica = new Replica();
                for (int i = 0; i < taken.size(); i++) {
                    assertThat(replica.apply(sealed.get(i)))
                            .isEqualTo(pool.read(taken.get(i).id(), 0, 8 << 20));
                }
            }
        }
    }

    @Test
    void aTransactionCutByTheOutageIsAbortedAndPublishedAgain() throws Exception {
        ChangeFeedConfig config = config();
        CountDownLatch inTransaction = new CountDownLatch(1);
        CountDownLatch brokerDown = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        Faults faults =
                new Faults() {
                    @Override
                    public void afterSend(Snapshot snapshot, long sent) {
                        if (sent == 3 && first.getAndSet(false)) {
                            inTransaction.countDown();
                            try {
                                brokerDown.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                };
        List<Snapshot> taken = new ArrayList<>();
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed =
                        ChangeFeed.start(pool, config, new FeedTesting.Recorder(), faults)) {
            pool.createVolume("v", 16 << 20);
            byte[] d = new byte[4 << 20];
            new Random(12).nextBytes(d);
            pool.volume("v").write(0, d);
            taken.add(pool.snapshot("v", null));
            assertThat(inTransaction.await(60, TimeUnit.SECONDS)).isTrue();
            KAFKA.stop();
            brokerDown.countDown();
            pool.volume("v").write(8 << 20, d);
            taken.add(pool.snapshot("v", null));
            Thread.sleep(2000); // the feed runs into the outage
            KAFKA.restart();

            feed.awaitCaughtUp(WAIT);
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(2, WAIT);
                assertSealedInOrder(reader.drain(Duration.ofSeconds(1)), taken);
                assertThat(reader.unsealed()).isEmpty();
                Replica replica = new Replica();
                assertThat(replica.apply(sealed.get(0)))
                        .isEqualTo(pool.read(taken.get(0).id(), 0, 16 << 20));
                assertThat(replica.apply(sealed.get(1)))
                        .isEqualTo(pool.read(taken.get(1).id(), 0, 16 << 20));
            }
        }
    }
}
