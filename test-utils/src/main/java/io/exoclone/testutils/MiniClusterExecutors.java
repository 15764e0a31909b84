package io.exoclone.testutils;

import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.flink.api.dag.Pipeline;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * Hands every pipeline an environment executes to one running {@link MiniCluster}, in process,
 * instead of looking executors up on the class path.
 */
final class MiniClusterExecutors implements PipelineExecutorServiceLoader {

    static final String NAME = "exoclone-local-cluster";

    private final MiniCluster miniCluster;

    MiniClusterExecutors(MiniCluster miniCluster) {
        this.miniCluster = miniCluster;
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
        return new PipelineExecutorFactory() {
            @Override
            public String getName() {
                return NAME;
            }

            @Override
            public boolean isCompatibleWith(Configuration configuration) {
                return true;
            }

            @Override
            public PipelineExecutor getExecutor(Configuration configuration) {
                return MiniClusterExecutors.this::submit;
            }
        };
    }

    @Override
    public Stream<String> getExecutorNames() {
        return Stream.of(NAME);
    }

    private CompletableFuture<JobClient> submit(
            Pipeline pipeline, Configuration configuration, ClassLoader userCodeClassLoader)
            throws Exception {
        StreamGraph graph = PipelineExecutorUtils.getStreamGraph(pipeline, configuration);
        return miniCluster
                .submitJob(graph)
                .thenApply(
                        submitted ->
                                new MiniClusterJobClient(
                                        submitted.getJobID(),
                                        miniCluster,
                                        userCodeClassLoader,
                                        MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
    }
}
