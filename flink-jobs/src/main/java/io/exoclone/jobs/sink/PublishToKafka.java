package io.exoclone.jobs.sink;

import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Publishes committed files with an exactly-once {@link KafkaSink}: a file's record is in the Kafka
 * transaction of the checkpoint after its commit, and a commit repeated after a restore publishes
 * again only in place of an aborted transaction.
 */
public final class PublishToKafka implements ExocloneFileSink.PostCommit {
    private static final long serialVersionUID = 1L;

    private final KafkaSink<PendingFile> sink;

    public PublishToKafka(KafkaSink<PendingFile> sink) {
        this.sink = sink;
    }

    @Override
    public void addTopology(DataStream<PendingFile> committed) {
        committed.sinkTo(sink).name("publish").uid("exoclone-publish");
    }
}
