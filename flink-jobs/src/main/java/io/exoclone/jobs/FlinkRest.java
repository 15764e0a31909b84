package io.exoclone.jobs;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.UnreachableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The REST endpoint of a Flink cluster as given by {@code --flink HOST:PORT}. {@link #check()} asks
 * the cluster for its configuration before anything is submitted, so that a cluster that is down,
 * or an address that is not Flink's, fails at once with one line instead of after a minute of
 * retries inside Flink's REST client.
 */
public record FlinkRest(String host, int port) {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Parses {@code HOST:PORT}; an IPv6 literal goes in brackets ({@code [::1]:8081}). */
    public static FlinkRest parse(String hostPort) {
        int colon = hostPort == null ? -1 : hostPort.lastIndexOf(':');
        String host = colon > 0 ? hostPort.substring(0, colon) : "";
        String port = colon > 0 ? hostPort.substring(colon + 1) : "";
        if (host.isBlank() || host.contains(" ") || !port.matches("\\d{1,5}")) {
            throw new InvalidArgumentException(
                    "--flink must be HOST:PORT (the REST address of a Flink cluster), got '"
                            + hostPort
                            + "'");
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            throw new InvalidArgumentException("--flink port must be 1-65535, got " + p);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new FlinkRest(host, p);
    }

    /** {@code http://HOST:PORT}, the dashboard. */
    public URI uri() {
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Fails with an {@link UnreachableException} (exit code 8) unless a Flink REST API answers:
     * {@code GET /config} must return a JSON object naming the Flink version.
     */
    public void check() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        URI config = URI.create(uri() + "/config");
        HttpResponse<String> r;
        try {
            r =
                    http.send(
                            HttpRequest.newBuilder(config).timeout(TIMEOUT).build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UnreachableException(
                    "Flink is not reachable at "
                            + this
                            + " ("
                            + describe(e)
                            + "); is the cluster up? --flink takes its REST address (the"
                            + " dashboard's HOST:PORT)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("Interrupted while asking Flink at " + this, e);
        }
        if (r.statusCode() != 200 || !r.body().contains("\"flink-version\"")) {
            throw new UnreachableException(
                    "No Flink REST API at "
                            + this
                            + ": GET /config answered HTTP "
                            + r.statusCode()
                            + "; --flink takes the REST address (the dashboard's HOST:PORT)",
                    null);
        }
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (t instanceof java.net.http.HttpTimeoutException) {
                return "no answer within " + TIMEOUT.toSeconds() + " s";
            }
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
