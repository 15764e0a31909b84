package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real file system through a served volume: an ext4 image made with {@code mkfs.ext4 -d} is
 * copied in with qemu-img, its files are changed (with {@code debugfs -w} on a copy, written back
 * with qemu-img), each state is snapshotted, and the snapshots, shipped as exo-clones into a second
 * pool, give an image that {@code e2fsck -fn} finds clean and that holds the changed files.
 */
class Ext4ITCase {
    @TempDir Path tmp;

    @Test
    void anExt4ImageSurvivesServeSnapshotExportAndImport() throws Exception {
        Tools.require("mkfs.ext4", "debugfs", "e2fsck", "qemu-img");
        Path files = Files.createDirectories(tmp.resolve("files/etc"));
        Files.writeString(files.resolve("hosts"), "127.0.0.1 localhost\n");
        byte[] blob = new byte[3 << 20];
        new Random(11).nextBytes(blob);
        Files.write(tmp.resolve("files/blob.bin"), blob);
        Path v1 = tmp.resolve("v1.img");
        Tools.run(
                        "mkfs.ext4",
                        "-q",
                        "-F",
                        "-b",
                        "4096",
                        "-d",
                        tmp.resolve("files").toString(),
                        v1.toString(),
                        "64M")
                .ok();

        // v2: the same file system with files removed, added and changed.
        Path v2 = tmp.resolve("v2.img");
        Files.copy(v1, v2);
        Path added = tmp.resolve("added.txt");
        Files.writeString(added, "written after the first snapshot\n".repeat(500));
        Path cmds = tmp.resolve("debugfs.cmds");
        Files.writeString(
                cmds,
                String.join(
                        "\n",
                        "rm /blob.bin",
                        "mkdir /var",
                        "write " + added + " /var/added.txt",
                        "write " + added + " /etc/hosts.new",
                        ""));
        Tools.run("debugfs", "-w", "-f", cmds.toString(), v2.toString()).ok();
        Tools.run("e2fsck", "-fn", v2.toString()).ok();

        Path poolA = tmp.resolve("a");
        try (Pool pool = Pool.create(poolA)) {
            pool.createVolume("vm1", 64L << 20);
        }
        for (Path image : new Path[] {v1, v2}) {
            try (ServeProcess serve = ServeProcess.start(poolA, null)) {
                Tools.qemuImgConvert(image, serve.uri("vm1"));
                assertThat(serve.stop()).as(serve.stderr()).isZero();
            }
            String tag = image == v1 ? "v1" : "v2";
            Tools.cli("--pool", poolA.toString(), "snapshot", "vm1", "--tag", tag).ok();
        }

        // Ship both snapshots to a second pool as exo-clones: the whole v1, then the change.
        Path poolB = tmp.resolve("b");
        Tools.cli("pool", "init", poolB.toString()).ok();
        for (String tag : new String[] {"v1", "v2"}) {
            Path exo = tmp.resolve(tag + ".exo");
            Tools.cli("--pool", poolA.toString(), "export", "vm1@" + tag, "--to", exo.toString())
                    .ok();
            Tools.cli("--pool", poolB.toString(), "import", exo.toString()).ok();
        }
        Path replica = tmp.resolve("replica.img");
        Tools.cli("--pool", poolB.toString(), "read", "vm1@v2", "--to", replica.toString()).ok();

        Tools.Result fsck = Tools.run("e2fsck", "-fn", replica.toString()).ok();
        assertThat(fsck.out()).contains("files");
        assertThat(Files.mismatch(replica, v2)).isEqualTo(-1L);
        Tools.Result ls = Tools.run("debugfs", "-R", "ls -p /var", replica.toString()).ok();
        assertThat(ls.out()).contains("added.txt");
        Tools.Result cat =
                Tools.run("debugfs", "-R", "cat /etc/hosts.new", replica.toString()).ok();
        assertThat(cat.out()).isEqualTo(Files.readString(added));
        Tools.Result gone = Tools.run("debugfs", "-R", "stat /blob.bin", replica.toString());
        assertThat(gone.out() + gone.err()).contains("File not found");
        Tools.cli("--pool", poolB.toString(), "check").ok();
    }
}
