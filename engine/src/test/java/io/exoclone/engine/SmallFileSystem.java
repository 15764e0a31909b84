package io.exoclone.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for disk-full tests: a loop-mounted ext4 image where the machine allows
 * it (root, loop devices, {@code mkfs.ext4}), else a size-limited tmpfs, else nothing (the test is
 * skipped with {@link #unavailableReason()}). Unmounted by {@link #close()}.
 */
final class SmallFileSystem implements AutoCloseable {
    private final Path mountPoint;
    private final String type;
    private final String reason;

    private SmallFileSystem(Path mountPoint, String type, String reason) {
        this.mountPoint = mountPoint;
        this.type = type;
        this.reason = reason;
    }

    /** Mounts one of {@code megabytes} MiB under {@code dir}. */
    static SmallFileSystem mount(Path dir, int megabytes) throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        List<String> why = new ArrayList<>();
        Path image = dir.resolve("fs.img");
        String ext4 =
                run(
                        "truncate -s " + megabytes + "M " + image,
                        "mkfs.ext4 -q -F " + image,
                        "mount -o loop " + image + " " + mnt);
        if (ext4 == null) {
            return new SmallFileSystem(mnt, "ext4 (loop-mounted image)", null);
        }
        why.add("loop-mounted ext4: " + ext4);
        String tmpfs = run("mount -t tmpfs -o size=" + megabytes + "m tmpfs " + mnt);
        if (tmpfs == null) {
            return new SmallFileSystem(mnt, "tmpfs", null);
        }
        why.add("tmpfs: " + tmpfs);
        return new SmallFileSystem(mnt, null, String.join("; ", why));
    }

    /**
     * Mounts a loop XFS image with reflinks (XFS needs at least 300 MiB; the image is sparse), or
     * nothing where {@code mkfs.xfs} or mounting is not available.
     */
    static SmallFileSystem mountXfs(Path dir, int megabytes) throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Path image = dir.resolve("xfs.img");
        String failed =
                run(
                        "truncate -s " + megabytes + "M " + image,
                        "mkfs.xfs -q -f -m reflink=1 " + image,
                        "mount -o loop " + image + " " + mnt);
        return failed == null
                ? new SmallFileSystem(mnt, "xfs (loop-mounted image, reflink=1)", null)
                : new SmallFileSystem(mnt, null, "loop-mounted XFS: " + failed);
    }

    /** Runs shell commands in order; null when all succeed, else the failure's output. */
    static String run(String... commands) throws Exception {
        for (String c : commands) {
            Process p = new ProcessBuilder("sh", "-c", c).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return c + ": " + out.trim();
            }
        }
        return null;
    }

    boolean available() {
        return type != null;
    }

    String unavailableReason() {
        return "No file system for this test could be mounted (needs root and the mkfs tool): "
                + reason;
    }

    String type() {
        return type;
    }

    Path root() {
        return mountPoint;
    }

    /** Bytes of disk the files under {@code p} occupy. */
    static long du(Path p) throws IOException {
        long n = NativeFiles.allocatedBytes(p);
        if (n < 0) {
            throw new IOException("du failed for " + p);
        }
        return n;
    }

    long usedBytes() throws IOException {
        var store = Files.getFileStore(mountPoint);
        return store.getTotalSpace() - store.getUnallocatedSpace();
    }

    long usable() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws Exception {
        if (available() && run("umount " + mountPoint) != null) {
            run("umount -l " + mountPoint);
        }
    }
}
