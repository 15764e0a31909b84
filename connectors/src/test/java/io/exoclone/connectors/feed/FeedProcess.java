package io.exoclone.connectors.feed;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A feed in a process of its own, to be killed with SIGKILL: publishes the pool's snapshots and
 * stops dead (without aborting) in the middle of the transaction of the snapshot tagged {@code
 * victim}, after {@code records} records, printing {@code IN_TRANSACTION}.
 *
 * <p>Arguments: pool directory, bootstrap servers, topic, records.
 */
public final class FeedProcess {
    private FeedProcess() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long records = Long.parseLong(args[3]);
        ChangeFeedConfig config =
                FeedTesting.config(args[1]).topic(args[2]).maxRecordBytes(16 << 10).build();
        Faults stall =
                new Faults() {
                    @Override
                    public void afterSend(Snapshot snapshot, long sent) {
                        if (sent == records && snapshot.tag().orElse("").equals("victim")) {
                            System.out.println("IN_TRANSACTION " + snapshot.id());
                            System.out.flush();
                            try {
                                Thread.sleep(Long.MAX_VALUE);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                };
        FeedListener print =
                new FeedListener() {
                    @Override
                    public void published(PublishedSnapshot s) {
                        System.out.println("PUBLISHED " + s.snapshotId());
                        System.out.flush();
                    }
                };
        Pool pool = FeedTesting.openPool(dir);
        ChangeFeed.start(pool, config, print, stall);
        Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
}
