package io.exoclone.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a request to stop, handled by the command instead of by JVM
 * shutdown: the pipeline then drains and takes savepoints while everything (Flink, Kafka, logging)
 * still runs, and the command returns normally. A second signal asks not to wait for the replica.
 * The previous handlers come back on {@link #close()}.
 */
public final class StopSignal implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicInteger signals = new AtomicInteger();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private Runnable onSecond = () -> {};

    private StopSignal() {}

    /**
     * A stop request that no signal triggers, only {@link #trigger()}: what a command run inside
     * {@code exoclone serve} gets, triggered when its client presses Ctrl-C or goes away.
     */
    public static StopSignal manual() {
        return new StopSignal();
    }

    /** Handles SIGINT and SIGTERM from now on. */
    public static StopSignal install() {
        StopSignal s = new StopSignal();
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal signal = new Signal(name);
                SignalHandler old = Signal.handle(signal, sig -> s.trigger());
                s.installed.add(signal);
                s.previous.add(old);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // not on this platform: the default handling (JVM exit) stays
            }
        }
        return s;
    }

    /** What a second stop request does (e.g. stop waiting for the replica). */
    public void onSecond(Runnable action) {
        this.onSecond = action;
    }

    /** Requests the stop, as Ctrl-C does. */
    public void trigger() {
        if (signals.incrementAndGet() == 2) {
            onSecond.run();
        }
        stop.countDown();
    }

    public boolean stopped() {
        return stop.getCount() == 0;
    }

    /** Waits until a stop is requested. */
    public void await() throws InterruptedException {
        stop.await();
    }

    /** Waits up to {@code d}; returns early when a stop is requested. */
    public void await(Duration d) throws InterruptedException {
        stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
        installed.clear();
    }
}
