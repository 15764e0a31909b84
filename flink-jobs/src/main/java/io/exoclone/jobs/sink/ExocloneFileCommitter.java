package io.exoclone.jobs.sink;

import io.exoclone.connectors.fs.ExocloneFileStore;
import io.exoclone.engine.ExocloneException;
import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Phase two: once the checkpoint that holds a {@link PendingFile} completes, renames the
 * in-progress file to its final name. Idempotent: a final file that is already there with the
 * expected size counts as committed (a commit repeated after a restore), and is still reported as
 * committed so the post-commit topology publishes it (its Kafka transaction of the failed attempt
 * was aborted).
 */
final class ExocloneFileCommitter implements Committer<PendingFile> {
    private static final Logger LOG = LoggerFactory.getLogger(ExocloneFileCommitter.class);
    private static final int MAX_RETRIES = 10;

    private final ExocloneFileStore store;
    private final Counter committed;
    private final Histogram latency;

    ExocloneFileCommitter(URI target, Map<String, String> hadoopProperties, MetricGroup metrics) {
        this.store = ExocloneFileStore.open(target, hadoopProperties);
        this.committed = metrics.counter("exocloneFilesCommitted");
        this.latency =
                metrics.histogram(
                        "exocloneAssemblyLatencyMs", new DescriptiveStatisticsHistogram(500));
    }

    @Override
    public void commit(Collection<CommitRequest<PendingFile>> requests) {
        for (CommitRequest<PendingFile> r : requests) {
            PendingFile f = r.getCommittable();
            try {
                ExocloneFileStore.CommitOutcome outcome =
                        store.commit(
                                URI.create(f.inProgressUri), URI.create(f.finalUri), f.fileBytes);
                if (outcome == ExocloneFileStore.CommitOutcome.COMMITTED) {
                    committed.inc();
                    latency.update(Math.max(0, System.currentTimeMillis() - f.sealedAtMillis));
                }
            } catch (ExocloneException e) {
                LOG.error("Exo-clone {} cannot be committed: {}", f.exocloneId, e.getMessage());
                r.signalFailedWithKnownReason(e);
            } catch (IOException e) {
                if (r.getNumberOfRetries() < MAX_RETRIES) {
                    LOG.warn("Commit of {} failed, retrying: {}", f.finalUri, e.toString());
                    r.retryLater();
                } else {
                    r.signalFailedWithUnknownReason(e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
