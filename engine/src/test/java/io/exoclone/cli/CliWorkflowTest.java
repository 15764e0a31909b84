package io.exoclone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exoclone.engine.Pool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs of the command line end to end over a temporary pool, run in-process. */
class CliWorkflowTest {
    private static final int VOLUME = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    Path pool;
    CliRunner cli;

    @BeforeEach
    void initPool() {
        pool = tmp.resolve("pool");
        cli = new CliRunner(pool);
        ok(cli.run("pool", "init", pool.toString()));
        assertThat(pool.resolve("superblock")).exists();
        ok(cli.run("volume", "create", "vm1", "--size", "8M"));
    }

    @Test
    void writeFromFileAtUnalignedOffsetReadsBackExactly() throws Exception {
        byte[] data = random(3 * (1 << 20) + 123, 1);
        Path in = tmp.resolve("in.bin");
        Files.write(in, data);
        long offset = 1000;

        CliRunner.Result w =
                ok(cli.run("write", "vm1", "--offset", "1000", "--from", in.toString()));
        assertThat(w.out()).contains("Wrote " + data.length + " bytes");

        byte[] expected = new byte[VOLUME];
        System.arraycopy(data, 0, expected, (int) offset, data.length);
        assertSameBytes(ok(cli.run("read", "vm1")).stdout(), expected);
        String len = Integer.toString(data.length);
        assertSameBytes(
                ok(cli.run("read", "vm1", "--offset", "1000", "--length", len)).stdout(), data);
        assertSameBytes(
                ok(cli.run("read", "vm1", "--offset", "8190K")).stdout(),
                Arrays.copyOfRange(expected, 8190 << 10, VOLUME));

        Path outFile = tmp.resolve("out.img");
        Files.write(outFile, random(VOLUME + 5000, 2)); // longer than the image: must be truncated
        ok(cli.run("read", "vm1", "--to", outFile.toString()));
        assertSameBytes(Files.readAllBytes(outFile), expected);
    }

    @Test
    void writeFromStdinAndTrim() {
        ok(cli.runWithInput(bytes("hello"), "write", "vm1", "--offset", "4093"));
        assertThat(ok(cli.run("read", "vm1", "--offset", "4093", "--length", "5")).out())
                .isEqualTo("hello");
        ok(cli.run("trim", "vm1", "--offset", "4095", "--length", "2"));
        assertThat(ok(cli.run("read", "vm1", "--offset", "4093", "--length", "5")).stdout())
                .isEqualTo(new byte[] {'h', 'e', 0, 0, 'o'});
    }

    @Test
    void snapshotCloneDiffLogRm() throws Exception {
        ok(cli.runWithInput(random(20_000, 3), "write", "vm1", "--offset", "64K"));
        CliRunner.Result snap = ok(cli.run("snapshot", "vm1", "--tag", "base"));
        UUID base = UUID.fromString(snap.lastLine());
        assertThat(snap.lines()).hasSizeGreaterThan(1);

        CliRunner.Result clone = ok(cli.run("clone", "vm1@base", "vm2"));
        assertThat(clone.out()).contains("vm2").contains(base.toString());
        ok(cli.runWithInput(bytes("hello"), "write", "vm2", "--offset", "4093"));
        ok(cli.runWithInput(new byte[] {1}, "write", "vm2", "--offset", "5M"));
        UUID v2 = UUID.fromString(ok(cli.run("commit", "vm2", "--tag", "v2")).lastLine());

        try (Pool p = Pool.open(pool)) {
            assertThat(p.findSnapshot(v2).orElseThrow().parentId()).contains(base);
            assertThat(p.volume("vm2").read(4093, 5)).isEqualTo(bytes("hello"));
        }

        // diff, text: one line per changed range, then the totals
        CliRunner.Result diff = ok(cli.run("diff", "vm1@base", v2.toString().substring(0, 8)));
        assertThat(diff.lines()).anyMatch(l -> l.matches("0\\s+8192\\s+data"));
        assertThat(diff.lines()).anyMatch(l -> l.matches("5242880\\s+4096\\s+data"));
        assertThat(diff.lastLine()).startsWith("2 changed ranges, 12288 bytes").contains("nodes");

        // diff, JSON
        JsonNode j = JSON.readTree(ok(cli.run("diff", "vm1@base", "vm2@v2", "--json")).stdout());
        assertThat(j.get("from").asText()).isEqualTo(base.toString());
        assertThat(j.get("to").asText()).isEqualTo(v2.toString());
        assertThat(j.get("changedBytes").asLong()).isEqualTo(12288);
        assertThat(j.get("nodesVisited").asLong()).isPositive();
        assertThat(j.get("ranges")).hasSize(2);
        assertThat(j.get("ranges").get(0).get("offset").asLong()).isZero();
        assertThat(j.get("ranges").get(0).get("length").asLong()).isEqualTo(8192);
        assertThat(j.get("ranges").get(1).get("offset").asLong()).isEqualTo(5 << 20);

        // diff of one snapshot: against its parent
        JsonNode one = JSON.readTree(ok(cli.run("diff", "vm2@v2", "--json")).stdout());
        assertThat(one.get("from").asText()).isEqualTo(base.toString());
        assertThat(one.get("changedBytes").asLong()).isEqualTo(12288);

        // log: newest first; for a volume, from its base and saying so
        CliRunner.Result log = ok(cli.run("log", "vm2"));
        assertThat(log.lines().get(0)).contains("based on snapshot " + v2);
        assertThat(log.lines().get(1)).startsWith(v2.toString()).contains("vm2@v2");
        assertThat(log.lines().get(2)).startsWith(base.toString()).contains("vm1@base");
        assertThat(log.lines()).hasSize(3);
        assertThat(ok(cli.run("log", "vm2@v2")).lines().get(0)).startsWith(v2.toString());
        ok(cli.runWithInput(bytes("x"), "write", "vm2"));
        assertThat(ok(cli.run("log", "vm2")).lines().get(0)).contains("has changed since");

        // log of the whole pool: grouped by volume, clones show where they forked
        List<String> graph = ok(cli.run("log")).lines();
        assertThat(graph.get(0)).startsWith("vm1 ");
        assertThat(graph).anyMatch(l -> l.startsWith("vm2 "));
        assertThat(graph).anyMatch(l -> l.contains("from " + base.toString().substring(0, 8)));

        // rm a snapshot
        UUID tmpSnap = UUID.fromString(ok(cli.run("snapshot", "vm1", "--tag", "tmp")).lastLine());
        ok(cli.run("rm", "vm1@tmp"));
        assertThat(cli.run("read", tmpSnap.toString(), "--length", "1").code())
                .isEqualTo(ExitCodes.NOT_FOUND);

        // rm a volume: a volume name wins over a snapshot prefix
        ok(cli.run("rm", "vm2"));
        assertThat(ok(cli.run("volume", "list")).lines())
                .singleElement()
                .satisfies(l -> assertThat(l).startsWith("vm1 "));
        assertThat(ok(cli.run("read", "vm2@v2", "--offset", "4093", "--length", "5")).out())
                .isEqualTo("hello");

        ok(cli.run("check"));
    }

    @Test
    void volumeListHasOneLinePerVolumeNameFirst() throws Exception {
        ok(cli.run("volume", "create", "a-long-name", "--size", "1G"));
        ok(cli.run("volume", "create", "odd", "--size", "12288"));
        UUID s = UUID.fromString(ok(cli.run("snapshot", "odd")).lastLine());
        List<String> lines = ok(cli.run("volume", "list")).lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).split("\\s+")).containsExactly("a-long-name", "1G", "-");
        assertThat(lines.get(1).split("\\s+")).containsExactly("odd", "12K", s.toString());
        assertThat(lines.get(2).split("\\s+")).containsExactly("vm1", "8M", "-");

        JsonNode j = JSON.readTree(ok(cli.run("volume", "list", "--json")).stdout());
        assertThat(j).hasSize(3);
        assertThat(j.get(1).get("size").asLong()).isEqualTo(12288);
        assertThat(j.get(1).get("baseSnapshot").asText()).isEqualTo(s.toString());
    }

    @Test
    void statJsonParsesAndCheckPasses() throws Exception {
        ok(cli.runWithInput(random(1 << 20, 4), "write", "vm1"));
        ok(cli.run("snapshot", "vm1", "--tag", "a"));
        JsonNode st = JSON.readTree(ok(cli.run("stat", "--json")).stdout());
        assertThat(st.get("dataBytesLive").asLong()).isEqualTo(1 << 20);
        assertThat(st.get("entries")).hasSize(2);
        assertThat(st.get("entries").get(0).get("name").asText()).isEqualTo("vm1");
        assertThat(st.get("entries").get(0).get("allocated").asLong()).isEqualTo(1 << 20);
        assertThat(ok(cli.run("stat")).out()).contains("vm1").contains("EXCLUSIVE");

        CliRunner.Result check = ok(cli.run("check"));
        assertThat(check.out()).contains("healthy");
        ok(cli.run("compact"));
        ok(cli.run("check", "--metadata-only"));
    }

    @Test
    void volumeNameWinsOverSnapshotPrefix() {
        ok(cli.runWithInput(bytes("snap"), "write", "vm1"));
        String id = ok(cli.run("snapshot", "vm1")).lastLine();
        String prefix = id.substring(0, 8);
        ok(cli.run("volume", "create", prefix, "--size", "4K"));
        ok(cli.runWithInput(bytes("vol!"), "write", prefix));
        assertThat(ok(cli.run("read", prefix, "--length", "4")).out()).isEqualTo("vol!");
        assertThat(ok(cli.run("read", id, "--length", "4")).out()).isEqualTo("snap");
        ok(cli.run("rm", prefix));
        assertThat(ok(cli.run("read", prefix, "--length", "4")).out()).isEqualTo("snap");
    }

    @Test
    void poolFromEnvironment() {
        CliRunner viaEnv = new CliRunner(null).env(Main.POOL_ENV, pool.toString());
        assertThat(ok(viaEnv.run("volume", "list")).out()).startsWith("vm1 ");
    }

    @Test
    void readStreamsAWholeThinVolumeLargerThanTheHeap() {
        // 4 GiB cannot be held in the test JVM's 1 GiB heap: read must stream.
        ok(cli.run("volume", "create", "big", "--size", "4G"));
        ok(
                cli.runWithInput(
                        bytes("tail"), "write", "big", "--offset", Long.toString((4L << 30) - 4)));
        CountingSink sink = new CountingSink();
        CliRunner.Result r = cli.runTo(new byte[0], sink, "read", "big");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(sink.count).isEqualTo(4L << 30);
        assertThat(sink.nonZero).isEqualTo(4);
        assertThat(new String(sink.last, StandardCharsets.UTF_8)).isEqualTo("tail");
    }

    /** Counts bytes and non-zero bytes, keeps the last four. */
    private static final class CountingSink extends java.io.OutputStream {
        long count;
        long nonZero;
        final byte[] last = new byte[4];

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (b[i] != 0) {
                    nonZero++;
                }
            }
            count += len;
            for (int i = Math.max(off, off + len - 4); i < off + len; i++) {
                System.arraycopy(last, 1, last, 0, 3);
                last[3] = b[i];
            }
        }
    }

    static CliRunner.Result ok(CliRunner.Result r) {
        assertThat(r.code()).as(r.toString()).isZero();
        return r;
    }

    /** Byte-exact comparison that reports the first difference instead of both arrays. */
    static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(Arrays.mismatch(actual, expected))
                .as("first differing byte of %d and %d bytes", actual.length, expected.length)
                .isEqualTo(-1);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
