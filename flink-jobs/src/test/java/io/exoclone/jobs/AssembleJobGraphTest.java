package io.exoclone.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.jobs.assemble.Chunk;
import io.exoclone.jobs.assemble.Claim;
import io.exoclone.jobs.assemble.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The job's graph. No record of the job goes through Kryo: built with generic types disabled (Flink
 * then refuses to create a Kryo serializer at all), every operator's input and output serializer is
 * a dedicated one, and the records that carry bytes or cross to the dedup index are POJOs. And the
 * claims and verdicts, small records a payload waits for at the assembler, leave their operators
 * within {@link AssembleJob#VERDICT_BUFFER_TIMEOUT_MS}, not Flink's 100 ms default.
 */
class AssembleJobGraphTest {
    private static StreamGraph graph(Configuration c) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        AssembleJob.build(
                env,
                AssembleOptions.builder()
                        .bootstrap("127.0.0.1:9")
                        .target("file:///tmp/unused")
                        .parallelism(2)
                        .build());
        return env.getStreamGraph();
    }

    @Test
    void claimsAndVerdictsAreFlushedPromptly() {
        StreamGraph graph = graph(new Configuration());
        for (String name : List.of("split", "verdicts", "seals")) {
            StreamNode n =
                    graph.getStreamNodes().stream()
                            .filter(x -> x.getOperatorName().equals(name))
                            .findFirst()
                            .orElseThrow();
            assertThat(n.getBufferTimeout())
                    .as("buffer timeout of %s", name)
                    .isEqualTo(AssembleJob.VERDICT_BUFFER_TIMEOUT_MS);
        }
    }

    @Test
    void everyRecordOfTheJobHasANonKryoSerializer() {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        StreamGraph graph = graph(c);
        List<String> checked = new ArrayList<>();
        for (StreamNode n : graph.getStreamNodes()) {
            List<TypeSerializer<?>> all = new ArrayList<>(List.of(n.getTypeSerializersIn()));
            if (n.getTypeSerializerOut() != null) {
                all.add(n.getTypeSerializerOut());
            }
            for (TypeSerializer<?> s : all) {
                if (s == null) {
                    continue;
                }
                assertThat(s)
                        .as("serializer at %s", n.getOperatorName())
                        .isNotInstanceOf(KryoSerializer.class);
                checked.add(n.getOperatorName() + ":" + s.getClass().getSimpleName());
            }
        }
        assertThat(checked).anyMatch(s -> s.startsWith("dedup:"));
        assertThat(checked).anyMatch(s -> s.startsWith("assemble:"));
        for (Class<?> type : List.of(Chunk.class, Claim.class, Verdict.class)) {
            assertThat(
                            org.apache.flink.api.common.typeinfo.TypeInformation.of(type)
                                    .createSerializer(env.getConfig().getSerializerConfig()))
                    .as(type.getSimpleName())
                    .isInstanceOf(PojoSerializer.class);
        }
    }
}
