package io.exoclone.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * File operations Java 17 has no API for, done by the standard Linux tools as child processes:
 * reflinks ({@code cp --reflink=always}, the {@code FICLONE} ioctl), punched holes and
 * preallocation ({@code fallocate(1)} from util-linux). Each costs a process start (about 1.5 ms
 * here), so callers use them per file or per large range, never per block. Where a tool is missing
 * or the file system refuses, the answer is "not supported" and the caller falls back; support is
 * remembered per file system type. Design record: docs/design/0007.
 */
final class NativeFiles {
    /** File system types whose files can share extents (a clone costs no data copy). */
    private static final Set<String> CLONING =
            Set.of("btrfs", "xfs", "bcachefs", "ocfs2", "zfs", "nfs4", "cifs", "smb3");

    private static final Map<String, Boolean> punchSupport = new ConcurrentHashMap<>();
    private static final long TIMEOUT_SECONDS = 120;

    private NativeFiles() {}

    /** The type of the file system holding {@code p} ("ext4", "tmpfs", "xfs"...), or "". */
    static String fileSystemType(Path p) {
        try {
            Path existing = p;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            return existing == null ? "" : Files.getFileStore(existing).type();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Makes {@code target} (which must not exist) a clone of {@code source} sharing its extents.
     * Returns false, leaving no target, where the file system cannot clone.
     */
    static boolean reflink(Path source, Path target) throws IOException {
        if (!CLONING.contains(fileSystemType(target.getParent()))) {
            return false;
        }
        boolean ok =
                run(
                        List.of(
                                "cp",
                                "--reflink=always",
                                "--",
                                source.toAbsolutePath().toString(),
                                target.toAbsolutePath().toString()));
        if (!ok) {
            Files.deleteIfExists(target);
        }
        return ok;
    }

    /**
     * Deallocates bytes {@code [offset, offset + length)} of a file, keeping its size: they read as
     * zeros after. Returns false where the file system or the machine cannot.
     */
    static boolean punchHole(Path file, long offset, long length) throws IOException {
        String type = fileSystemType(file);
        if (Boolean.FALSE.equals(punchSupport.get(type))) {
            return false;
        }
        boolean ok =
                run(
                        List.of(
                                "fallocate",
                                "--punch-hole",
                                "--offset",
                                Long.toString(offset),
                                "--length",
                                Long.toString(length),
                                file.toAbsolutePath().toString()));
        punchSupport.putIfAbsent(type, ok);
        return ok;
    }

    /** Allocates the blocks of {@code [0, length)} of a file; false where that is not possible. */
    static boolean preallocate(Path file, long length) throws IOException {
        return run(
                List.of(
                        "fallocate",
                        "--length",
                        Long.toString(length),
                        file.toAbsolutePath().toString()));
    }

    /** Bytes of disk the files under {@code dir} occupy ({@code du}), or -1 when unknown. */
    static long allocatedBytes(Path dir) {
        try {
            Process p =
                    new ProcessBuilder("du", "-s", "-B1", dir.toAbsolutePath().toString())
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return -1;
            }
            return Long.parseLong(out.trim().split("\\s+")[0]);
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean run(List<String> command) throws IOException {
        Process p;
        try {
            p =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
        } catch (IOException e) {
            return false; // the tool is not installed
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(
                        "Timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
            }
            return p.exitValue() == 0;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted: " + String.join(" ", command), e);
        }
    }
}
