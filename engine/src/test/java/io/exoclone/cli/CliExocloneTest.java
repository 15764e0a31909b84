package io.exoclone.cli;

import static io.exoclone.cli.CliWorkflowTest.assertSameBytes;
import static io.exoclone.cli.CliWorkflowTest.ok;
import static io.exoclone.cli.CliWorkflowTest.random;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exo-clone and lineage verbs end to end: export, import, inspect, verify, sign, merge. */
class CliExocloneTest {
    @TempDir Path tmp;

    @Test
    void exportInspectVerifyImportAcrossPools() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        CliRunner ca = new CliRunner(a);
        CliRunner cb = new CliRunner(b);
        ok(ca.run("pool", "init", a.toString()));
        ok(cb.run("pool", "init", b.toString()));
        ok(ca.run("volume", "create", "vm1", "--size", "8M"));
        ok(ca.runWithInput(random(300_000, 1), "write", "vm1", "--offset", "10K"));
        UUID v1 = UUID.fromString(ok(ca.run("snapshot", "vm1", "--tag", "v1")).lastLine());
        ok(ca.runWithInput(random(50_000, 2), "write", "vm1", "--offset", "5M"));
        UUID v2 = UUID.fromString(ok(ca.run("commit", "vm1", "--tag", "v2")).lastLine());

        Path f1 = tmp.resolve("v1.exo");
        Path f2 = tmp.resolve("v2.exo");
        long dry = Long.parseLong(ok(ca.run("export", "vm1@v1", "--dry-run")).lastLine());
        assertThat(ok(ca.run("export", "vm1@v1", "--to", f1.toString())).lastLine())
                .isEqualTo(v1.toString());
        assertThat(Files.size(f1)).isEqualTo(dry);
        ok(cb.run("keygen", "--out", tmp.resolve("k").toString()));
        ok(
                ca.run(
                        "export",
                        "vm1@v2",
                        "--to",
                        f2.toString(),
                        "--compress",
                        "lz4",
                        "--sign",
                        tmp.resolve("k").toString()));

        JsonNode inspect =
                new ObjectMapper()
                        .readTree(ok(cb.run("inspect", f2.toString(), "--json")).stdout());
        assertThat(inspect.toString()).contains(v2.toString()).contains(v1.toString());
        assertThat(ok(cb.run("inspect", f2.toString())).out()).contains("compression  lz4");
        ok(cb.run("verify", f2.toString(), "--trust", tmp.resolve("k.pub").toString()));

        // Out of order: the parent is missing, named, exit 3.
        CliRunner.Result early = cb.run("import", f2.toString());
        assertThat(early.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(early.err()).contains(v1.toString()).contains("import them first");

        assertThat(ok(cb.run("import", f1.toString())).lastLine()).isEqualTo(v1.toString());
        assertThat(
                        ok(cb.run(
                                        "import",
                                        f2.toString(),
                                        "--trust",
                                        tmp.resolve("k.pub").toString()))
                                .lastLine())
                .isEqualTo(v2.toString());
        assertThat(ok(cb.run("import", f2.toString())).out()).contains("Already present");
        assertSameBytes(
                ok(cb.run("read", v2.toString())).stdout(), ok(ca.run("read", "vm1@v2")).stdout());
        assertThat(ok(cb.run("log", "vm1@v2")).out()).contains(v1.toString().substring(0, 8));
        ok(cb.run("check"));

        // A damaged file: exit 5, pool unchanged.
        byte[] bytes = Files.readAllBytes(f1);
        bytes[bytes.length / 2] ^= 0x40;
        Path bad = tmp.resolve("bad.exo");
        Files.write(bad, bytes);
        assertThat(cb.run("verify", bad.toString()).code()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(cb.run("keygen", "--out", tmp.resolve("k").toString()).code())
                .isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void mergeConflictsExitSevenUnlessAStrategyResolvesThem() {
        Path p = tmp.resolve("p");
        CliRunner c = new CliRunner(p);
        ok(c.run("pool", "init", p.toString()));
        ok(c.run("volume", "create", "main", "--size", "1M"));
        ok(c.runWithInput(random(64 << 10, 3), "write", "main", "--offset", "0"));
        ok(c.run("snapshot", "main", "--tag", "base"));
        ok(c.run("checkout", "main@base", "feature"));
        ok(c.runWithInput(random(4096, 4), "write", "feature", "--offset", "8K"));
        ok(c.run("commit", "feature", "--tag", "f1"));
        ok(c.runWithInput(random(4096, 5), "write", "main", "--offset", "8K"));

        CliRunner.Result conflict = c.run("merge", "main", "feature@f1");
        assertThat(conflict.code()).isEqualTo(ExitCodes.MERGE_CONFLICT);
        assertThat(conflict.err()).contains("conflicting").contains("2+1");
        CliRunner.Result theirs =
                ok(c.run("merge", "main", "feature@f1", "--strategy", "theirs", "--tag", "m"));
        assertThat(theirs.out()).contains("conflict: blocks 2+1");
        assertSameBytes(
                ok(c.run("read", "main@m", "--offset", "8K", "--length", "4096")).stdout(),
                random(4096, 4));

        ok(c.run("volume", "create", "other", "--size", "1M"));
        ok(c.run("rebase", "feature", "--onto", "main@m"));
        assertThat(ok(c.run("log", "feature")).out()).contains("m");
    }
}
