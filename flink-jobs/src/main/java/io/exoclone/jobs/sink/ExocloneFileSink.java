package io.exoclone.jobs.sink;

import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Two-phase commit of exo-clone files through the Hadoop {@code FileSystem} API: the writer hands
 * finished in-progress files over at each checkpoint, the committer renames them once the
 * checkpoint completes, and the committed files flow into {@link PostCommit} (the job publishes
 * them to Kafka with an exactly-once sink).
 */
public final class ExocloneFileSink
        implements Sink<PendingFile>,
                SupportsCommitter<PendingFile>,
                SupportsPostCommitTopology<PendingFile> {
    private static final long serialVersionUID = 1L;

    /** What to do with committed files; serializable, as it travels with the sink. */
    @FunctionalInterface
    public interface PostCommit extends Serializable {
        void addTopology(DataStream<PendingFile> committed);
    }

    private final String target;
    private final HashMap<String, String> hadoopProperties;
    private final PostCommit postCommit;

    public ExocloneFileSink(
            URI target, Map<String, String> hadoopProperties, PostCommit postCommit) {
        this.target = target.toString();
        this.hadoopProperties = new HashMap<>(hadoopProperties);
        this.postCommit = postCommit;
    }

    @Override
    public SinkWriter<PendingFile> createWriter(WriterInitContext context) {
        return new PendingFileWriter();
    }

    @Override
    public Committer<PendingFile> createCommitter(CommitterInitContext context) {
        return new ExocloneFileCommitter(
                URI.create(target), hadoopProperties, context.metricGroup());
    }

    @Override
    public SimpleVersionedSerializer<PendingFile> getCommittableSerializer() {
        return new PendingFileSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<PendingFile>> committables) {
        DataStream<PendingFile> committed =
                committables
                        .flatMap(
                                (CommittableMessage<PendingFile> m,
                                        org.apache.flink.util.Collector<PendingFile> out) -> {
                                    if (m instanceof CommittableWithLineage<PendingFile> c) {
                                        out.collect(c.getCommittable());
                                    }
                                })
                        .returns(TypeInformation.of(PendingFile.class))
                        .name("committed-files")
                        .uid("exoclone-committed-files");
        postCommit.addTopology(committed);
    }
}
