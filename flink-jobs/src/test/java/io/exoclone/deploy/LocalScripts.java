package io.exoclone.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the scripts of {@code deploy/local/} against one work directory, echoing what they print,
 * and reads what the cluster left there: {@code ports.env}, the processes' logs, the Flink REST
 * API.
 */
final class LocalScripts {
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path scripts;
    private final Path work;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LocalScripts(Path work) {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        this.scripts = module.getParent().resolve("deploy/local");
        this.work = work;
        if (!Files.isExecutable(scripts.resolve("start.sh"))) {
            throw new IllegalStateException("No executable start.sh in " + scripts);
        }
    }

    /** The checkout's root (where {@code deploy/} and {@code flink-jobs/} are). */
    Path root() {
        return scripts.getParent().getParent();
    }

    Path work() {
        return work;
    }

    record Result(int exit, String output) {}

    /** Runs a script of deploy/local with this work dir, echoing its output. */
    Result run(String script, String... args) {
        List<String> command = new ArrayList<>();
        command.add(scripts.resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("EXOCLONE_LOCAL_DIR", work.toString());
        long start = System.nanoTime();
        try {
            Process process = pb.start();
            process.getOutputStream().close();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(script + " did not finish within " + SCRIPT_TIMEOUT);
            }
            System.out.printf(
                    "$ %s (exit %d, %d ms)%n%s%n",
                    String.join(" ", command),
                    process.exitValue(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    output);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while running " + command, e);
        }
    }

    /** Runs a script and fails with its output unless it exits 0. */
    String runOk(String script, String... args) {
        Result r = run(script, args);
        if (r.exit() != 0) {
            throw new AssertionError(
                    script + " " + String.join(" ", args) + " exited " + r.exit() + ":\n" + r);
        }
        return r.output();
    }

    /** The variables of {@code ports.env}. */
    Map<String, String> ports() {
        Map<String, String> ports = new HashMap<>();
        try {
            for (String line : Files.readAllLines(work.resolve("ports.env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    ports.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ports;
    }

    /** GET on the Flink REST API ({@code path} without a leading slash), parsed. */
    JsonNode rest(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + ports().get("FLINK_REST") + "/" + path);
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Cancels a job through the REST API (the cancellation goes on asynchronously). */
    void cancel(String jobId) throws IOException, InterruptedException {
        URI uri =
                URI.create(
                        "http://" + ports().get("FLINK_REST") + "/jobs/" + jobId + "?mode=cancel");
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(uri)
                                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IOException("PATCH " + uri + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * Prints the end of every process's log (the previous run's too, e.g. of a killed TaskManager)
     * and of their stdout/stderr, for a failed test's report.
     */
    void dumpLogs(int lines) {
        Path logs = work.resolve("log");
        if (!Files.isDirectory(logs)) {
            System.out.println("(no logs in " + logs + ")");
            return;
        }
        for (String name :
                List.of(
                        "jobmanager.log",
                        "taskmanager.log.1",
                        "taskmanager.log",
                        "kafka.log.1",
                        "kafka.log",
                        "jobmanager.out",
                        "taskmanager.out.1",
                        "taskmanager.out",
                        "kafka.out")) {
            Path f = logs.resolve(name);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                List<String> all =
                        List.of(
                                new String(Files.readAllBytes(f), StandardCharsets.UTF_8)
                                        .split("\n"));
                System.out.printf(
                        "===== %s: last %d of %d lines =====%n",
                        f, Math.min(lines, all.size()), all.size());
                all.subList(Math.max(0, all.size() - lines), all.size())
                        .forEach(System.out::println);
            } catch (IOException | UncheckedIOException e) {
                System.out.println("===== " + f + ": unreadable: " + e);
            }
        }
    }
}
