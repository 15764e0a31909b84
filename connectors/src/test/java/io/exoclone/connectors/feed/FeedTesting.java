package io.exoclone.connectors.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.PoolOptions;
import io.exoclone.engine.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared pieces of the feed's integration tests. */
final class FeedTesting {
    static final Duration WAIT = Duration.ofSeconds(60);

    private static final AtomicInteger TOPICS = new AtomicInteger();

    private FeedTesting() {}

    /** A config with short timeouts and a fresh topic, for one test. */
    static ChangeFeedConfig.Builder config(String bootstrap) {
        return ChangeFeedConfig.builder()
                .bootstrapServers(bootstrap)
                .topic("changes-" + TOPICS.incrementAndGet())
                .kafkaTimeout(Duration.ofSeconds(10))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                .closeTimeout(Duration.ofSeconds(10))
                .rescanInterval(Duration.ofMillis(500));
    }

    static Pool newPool(Path dir) {
        return Pool.create(dir, PoolOptions.builder().fsync(false).build());
    }

    static Pool openPool(Path dir) {
        return Pool.open(dir, PoolOptions.builder().fsync(false).build());
    }

    /** Random writes of 1 byte to 200 KiB and one trim, the mix a real volume sees. */
    static void churn(Pool pool, String volume, Random rnd, int writes) {
        var v = pool.volume(volume);
        int size = (int) v.size();
        for (int i = 0; i < writes; i++) {
            byte[] d = new byte[1 + rnd.nextInt(200 << 10)];
            rnd.nextBytes(d);
            v.write(rnd.nextInt(size - d.length), d);
        }
        v.trim(rnd.nextInt(size / 2), rnd.nextInt(1 << 20));
    }

    /** Records what a feed tells its listener. */
    static final class Recorder implements FeedListener {
        final List<PublishedSnapshot> published = new CopyOnWriteArrayList<>();
        final List<Throwable> retries = new CopyOnWriteArrayList<>();

        @Override
        public void published(PublishedSnapshot s) {
            published.add(s);
        }

        @Override
        public void retrying(Throwable cause, Duration backoff) {
            retries.add(cause);
        }
    }

    /** Checks that the feed delivered exactly these snapshots, in this order, each once. */
    static void assertSealedInOrder(List<FeedReader.SealedSnapshot> sealed, List<Snapshot> want) {
        assertThat(sealed.stream().map(FeedReader.SealedSnapshot::id).toList())
                .containsExactlyElementsOf(want.stream().map(s -> s.id().toString()).toList());
        for (int i = 0; i < want.size(); i++) {
            Snapshot s = want.get(i);
            var seal = sealed.get(i).sealed();
            assertThat(seal.getGeneration()).isEqualTo(s.generation());
            assertThat(seal.getVolumeName()).isEqualTo(s.volume());
            assertThat(seal.getVolumeSize()).isEqualTo(s.size());
            byte[] root = new byte[32];
            seal.getRootHash().duplicate().get(root);
            assertThat(root).isEqualTo(s.rootHash());
        }
    }
}
