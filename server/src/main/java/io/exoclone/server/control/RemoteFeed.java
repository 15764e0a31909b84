package io.exoclone.server.control;

import io.exoclone.engine.ExocloneException;
import io.exoclone.server.feed.FeedOptions;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client's side of a feed session in the service that holds a pool ({@link FeedRun}): the
 * change feed and the volumes' scheduled snapshots run there, what they report arrives at the
 * {@link Listener}, and {@link #stop} drains the feed. Closing (or losing) the connection stops the
 * session without draining.
 */
public final class RemoteFeed implements Closeable {
    /** What the session reports; called from the session's reader thread. */
    public interface Listener {
        /** The feed published a snapshot; {@code line} is what {@code stream} prints for it. */
        void published(UUID snapshot, String line);

        /** A line for stderr: a snapshot taken, a retry, a warning. */
        void notice(String line);
    }

    /** What a stop did: the pool's snapshots after draining, and a warning if it fell short. */
    public record Stopped(List<UUID> snapshots, Optional<String> warning) {}

    private final ControlClient client;
    private final FrameChannel channel;
    private final CompletableFuture<Stopped> stopped = new CompletableFuture<>();
    private volatile String failure;

    private RemoteFeed(ControlClient client, FrameChannel channel) {
        this.client = client;
        this.channel = channel;
    }

    static RemoteFeed open(
            ControlClient client, FrameChannel channel, List<String> volumes, Duration every)
            throws IOException {
        RemoteFeed f = new RemoteFeed(client, channel);
        try {
            channel.write(
                    Frame.of(
                            Frame.FEED_OPEN,
                            Payload.writer().putStrings(volumes).putLong(every.toMillis())));
            f.expect(Frame.FEED_READY);
            return f;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * Starts the feed to the cluster of {@code options} and the scheduled snapshots in the service.
     *
     * @return what runs, for a message
     */
    public String start(FeedOptions options, Listener listener) throws IOException {
        channel.write(Frame.of(Frame.FEED_START, FeedRun.payload(options)));
        String what = expect(Frame.FEED_STARTED).text();
        Thread t = new Thread(() -> follow(listener), "exoclone-remote-feed");
        t.setDaemon(true);
        t.start();
        return what;
    }

    private Frame expect(byte type) throws IOException {
        Frame f = channel.read();
        if (f == null) {
            throw new ExocloneException(client.describe() + " closed the feed session");
        }
        if (f.type() == Frame.ERROR) {
            throw RemoteErrors.exception(f);
        }
        if (f.type() != type) {
            throw new IOException("Unexpected control frame type " + f.type());
        }
        return f;
    }

    private void follow(Listener listener) {
        try {
            while (true) {
                Frame f = channel.read();
                if (f == null) {
                    break;
                }
                switch (f.type()) {
                    case Frame.PUBLISHED -> {
                        Payload.Reader r = f.reader();
                        UUID id = UUID.fromString(r.getString());
                        listener.published(id, r.getString());
                    }
                    case Frame.NOTICE -> listener.notice(f.text());
                    case Frame.FEED_FAILED -> failure = f.text();
                    case Frame.FEED_STOPPED -> {
                        Payload.Reader r = f.reader();
                        List<UUID> ids = new ArrayList<>();
                        for (String s : r.getStrings()) {
                            ids.add(UUID.fromString(s));
                        }
                        String w = r.getString();
                        stopped.complete(
                                new Stopped(ids, w.isEmpty() ? Optional.empty() : Optional.of(w)));
                    }
                    case Frame.ERROR -> {
                        Payload.Reader r = f.reader();
                        r.getInt();
                        failure = r.getString();
                    }
                    default -> failure = "unexpected control frame type " + f.type();
                }
            }
        } catch (IOException | RuntimeException e) {
            // lost: reported below
        }
        if (failure == null && !stopped.isDone()) {
            failure = client.describe() + " closed the feed session";
        }
        stopped.completeExceptionally(new ExocloneException(failure == null ? "closed" : failure));
    }

    /** Why the session cannot go on (the feed stopped, the service stops or went away). */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Stops the session: the service stops the schedule, takes a last snapshot of each volume that
     * changed ({@code lastSnapshots}), waits up to {@code drain} until the feed published every
     * snapshot, and closes the feed.
     *
     * @throws ExocloneException when the session failed or the service does not answer in time
     */
    public Stopped stop(Duration drain, boolean lastSnapshots) throws IOException {
        try {
            channel.write(
                    Frame.of(
                            Frame.FEED_STOP,
                            Payload.writer().putLong(drain.toMillis()).putBoolean(lastSnapshots)));
            return stopped.get(drain.toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExocloneException("Interrupted while the feed session stopped", e);
        } catch (ExecutionException e) {
            throw (ExocloneException) e.getCause();
        } catch (TimeoutException e) {
            throw new ExocloneException(
                    client.describe() + " did not finish draining the change feed in time");
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
