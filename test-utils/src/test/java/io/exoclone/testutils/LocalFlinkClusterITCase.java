package io.exoclone.testutils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalFlinkClusterITCase {

    @RegisterExtension
    static final LocalFlinkCluster FLINK = LocalFlinkCluster.builder().taskSlots(2).build();

    @Test
    void runsAJobOnTheCluster() throws Exception {
        StreamExecutionEnvironment env = FLINK.environment();
        List<Integer> squares;
        try (CloseableIterator<Integer> it =
                env.fromData(1, 2, 3, 4, 5).map(x -> x * x).returns(Integer.class).collectAsync()) {
            env.execute("squares");
            squares = new ArrayList<>();
            it.forEachRemaining(squares::add);
        }
        assertThat(squares).containsExactlyInAnyOrder(1, 4, 9, 16, 25);
        assertThat(FLINK.miniCluster().listJobs().get())
                .anySatisfy(job -> assertThat(job.getJobName()).isEqualTo("squares"));
    }

    @Test
    void contextEnvironmentRunsOnTheCluster() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<String> words = env.fromData("a", "b").map(String::toUpperCase).executeAndCollect(10);
        assertThat(words).containsExactlyInAnyOrder("A", "B");
        assertThat(env.getParallelism()).isEqualTo(FLINK.parallelism());
    }

    @Test
    @Timeout(60)
    void failingJobFailsWithoutRestart() {
        Failing.CALLS.set(0);
        StreamExecutionEnvironment env = FLINK.environment();
        env.fromData(1, 2, 3).map(new Failing()).sinkTo(new DiscardingSink<>());
        assertThatThrownBy(() -> env.execute("failing"))
                .hasStackTraceContaining("deliberate failure");
        // One attempt per subtask at most: a restart strategy would have called it again.
        assertThat(Failing.CALLS.get()).isBetween(1, FLINK.parallelism());
    }

    @Test
    void restApiAnswersOnLoopback() throws Exception {
        URI rest = FLINK.restAddress();
        assertThat(rest.getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(rest.resolve("/overview")).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"slots-total\":2");
    }

    private static final class Failing implements MapFunction<Integer, Integer> {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public Integer map(Integer value) {
            CALLS.incrementAndGet();
            throw new IllegalStateException("deliberate failure on " + value);
        }
    }
}
