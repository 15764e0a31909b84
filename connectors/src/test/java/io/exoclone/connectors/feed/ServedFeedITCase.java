package io.exoclone.connectors.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.server.Cli;
import io.exoclone.server.CliProcess;
import io.exoclone.server.Served;
import io.exoclone.server.control.ControlClient;
import io.exoclone.server.control.RemoteFeed;
import io.exoclone.server.feed.FeedOptions;
import io.exoclone.testutils.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The change feed inside a real {@code exoclone serve} process: {@code serve --bootstrap} publishes
 * every snapshot (old ones, scheduled ones, ones a forwarded CLI verb takes), and {@code stream} on
 * a served pool runs inside the service until Ctrl-C while the pool stays usable.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServedFeedITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir Path tmp;

    private Path poolWithASnapshot() {
        Path dir = tmp.resolve("p");
        try (Pool p = Pool.create(dir)) {
            byte[] b = new byte[200 << 10];
            new Random(3).nextBytes(b);
            p.createVolume("vm1", 4 << 20).write(4096, b);
            p.snapshot("vm1", "s1");
        }
        return dir;
    }

    @Test
    void serveBootstrapPublishesEverySnapshotAsStreamDoes() throws Exception {
        Path dir = poolWithASnapshot();
        Cli cli = new Cli(dir);
        String topic = "served-" + UUID.randomUUID();
        try (Served s =
                Served.start(
                        dir,
                        "--bootstrap",
                        KAFKA.bootstrapServers(),
                        "--topic",
                        topic,
                        "--volume",
                        "vm1",
                        "--every",
                        "1s")) {
            assertThat(s.process().stdout())
                    .contains("change feed to " + topic + " on " + KAFKA.bootstrapServers())
                    .contains("snapshots of vm1 every 1s");
            s.process().awaitOut(l -> l.startsWith("published "), 1, WAIT);

            byte[] b = new byte[100 << 10];
            new Random(4).nextBytes(b);
            assertThat(cli.run(b, "write", "vm1", "--offset", "1M").code()).isZero();
            String taken =
                    s.process()
                            .awaitErr(l -> l.matches("Snapshot \\S+ of volume 'vm1'"), 1, WAIT)
                            .get(0)
                            .split(" ")[1];
            String tagged = cli.run("snapshot", "vm1", "--tag", "by-cli").lastLine();
            List<String> published = s.process().awaitOut(l -> l.startsWith("published "), 3, WAIT);
            assertThat(published.get(1)).startsWith("published " + taken + " volume=vm1");

            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), topic)) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(3, WAIT);
                Replica replica = new Replica();
                byte[] image = null;
                for (FeedReader.SealedSnapshot x : sealed) {
                    image = replica.apply(x);
                }
                assertThat(sealed.get(2).id()).isEqualTo(tagged);
                byte[] expected = cli.run("read", "vm1@by-cli").stdout();
                assertThat(image).as("the feed rebuilds the volume").isEqualTo(expected);
                assertThat(reader.drain(Duration.ofSeconds(2))).as("each once").hasSize(3);
            }
            s.stop();
        }
        // The cursor is Kafka's: a stream of the same pool and topic has nothing left to publish.
        Cli.Result again =
                cli.run("stream", "-b", KAFKA.bootstrapServers(), "--topic", topic, "--once");
        assertThat(again.code()).as("%s", again).isZero();
        assertThat(again.out()).isEmpty();
    }

    @Test
    void aFeedSessionSharesServesOwnFeedOrRunsItsOwn() throws Exception {
        Path dir = poolWithASnapshot();
        Cli cli = new Cli(dir);
        String topic = "own-" + UUID.randomUUID();
        String other = "session-" + UUID.randomUUID();
        try (Served s =
                Served.start(dir, "--bootstrap", KAFKA.bootstrapServers(), "--topic", topic)) {
            s.process().awaitOut(l -> l.startsWith("published "), 1, WAIT);
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            RemoteFeed.Listener listener =
                    new RemoteFeed.Listener() {
                        @Override
                        public void published(UUID snapshot, String line) {
                            seen.add(line);
                        }

                        @Override
                        public void notice(String line) {
                            seen.add(line);
                        }
                    };

            // The same cluster and topic: serve's own feed, shared, and left running after.
            RemoteFeed shared =
                    ControlClient.connect(dir)
                            .orElseThrow()
                            .openFeed(List.of("vm1"), Duration.ofHours(1));
            assertThat(
                            shared.start(
                                    FeedOptions.defaults(KAFKA.bootstrapServers()).withTopic(topic),
                                    listener))
                    .as("%s", s.process())
                    .contains("(serve's own, shared)", "snapshots of vm1 every 60m");
            assertThat(cli.run(new byte[] {7}, "write", "vm1", "--offset", "5").code()).isZero();
            RemoteFeed.Stopped stopped = shared.stop(WAIT, true);
            assertThat(stopped.warning()).isEmpty();
            assertThat(stopped.snapshots())
                    .as("s1, and the last one, taken at the stop")
                    .hasSize(2);
            assertThat(seen).anyMatch(l -> l.startsWith("published " + stopped.snapshots().get(1)));
            String later = cli.run("snapshot", "vm1").lastLine();
            s.process().awaitOut(l -> l.startsWith("published " + later), 1, WAIT);

            // Another topic: a feed of the session's own, closed with it.
            seen.clear();
            RemoteFeed own =
                    ControlClient.connect(dir)
                            .orElseThrow()
                            .openFeed(List.of(), Duration.ofSeconds(5));
            assertThat(
                            own.start(
                                    FeedOptions.defaults(KAFKA.bootstrapServers()).withTopic(other),
                                    listener))
                    .doesNotContain("shared");
            RemoteFeed.Stopped done = own.stop(WAIT, true);
            assertThat(seen.stream().filter(l -> l.startsWith("published "))).hasSize(3);
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), other)) {
                assertThat(reader.awaitSealed(3, WAIT)).hasSize(3);
            }
            assertThat(done.snapshots()).hasSize(3);

            // A volume that does not exist is refused before anything starts.
            assertThatThrownBy(
                            () ->
                                    ControlClient.connect(dir)
                                            .orElseThrow()
                                            .openFeed(List.of("nope"), Duration.ofSeconds(5)))
                    .isInstanceOf(NotFoundException.class)
                    .hasMessage("No volume named 'nope' in pool " + dir);
            s.stop();
        }
    }

    @Test
    void streamOnAServedPoolRunsInsideItUntilCtrlC() throws Exception {
        Path dir = poolWithASnapshot();
        Cli cli = new Cli(dir);
        String topic = "forwarded-" + UUID.randomUUID();
        try (Served s = Served.start(dir);
                CliProcess stream =
                        CliProcess.start(
                                "--pool",
                                dir.toString(),
                                "stream",
                                "-b",
                                KAFKA.bootstrapServers(),
                                "--topic",
                                topic)) {
            stream.awaitOut(l -> l.startsWith("published "), 1, WAIT);
            String id = cli.run("snapshot", "vm1", "--tag", "while-streaming").lastLine();
            assertThat(id).matches("[0-9a-f-]{36}");
            stream.awaitOut(l -> l.startsWith("published " + id), 1, WAIT);
            stream.interrupt();
            assertThat(stream.waitFor(WAIT)).as("%s", stream).isZero();
            assertThat(stream.stderr())
                    .contains("Streaming pool " + dir + " to " + topic)
                    .contains("Stopped: 2 snapshot(s) published, through ");
            assertThat(s.process().alive()).isTrue();
            assertThat(cli.run("check").code()).isZero();
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), topic)) {
                assertThat(reader.awaitSealed(2, WAIT).get(1).id()).isEqualTo(id);
            }
            s.stop();
        }
    }
}
