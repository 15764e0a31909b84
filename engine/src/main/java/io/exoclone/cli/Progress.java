package io.exoclone.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A one-line progress bar on stderr for long transfers. Disabled (every call a no-op) unless stderr
 * is a terminal, so piped and scripted runs stay quiet. Appears only once a transfer has run for
 * half a second, so quick ones never flash; then redraws at most ten times a second.
 */
public final class Progress implements AutoCloseable {
    /** Transfers smaller than this finish too fast to be worth a bar. */
    public static final long MIN_BYTES = 8L << 20;

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long FIRST_DRAW_NANOS = 500_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private final long firstDrawNanos;
    private Runnable onStep = () -> {};
    private long done;
    private long lastDraw;
    private int lastWidth;

    Progress(PrintWriter err, String label, long total, boolean enabled) {
        this(err, label, total, enabled, FIRST_DRAW_NANOS);
    }

    Progress(PrintWriter err, String label, long total, boolean enabled, long firstDrawNanos) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.enabled = enabled;
        this.firstDrawNanos = firstDrawNanos;
    }

    /** A progress bar that never draws. */
    public static Progress none() {
        return new Progress(null, "", -1, false);
    }

    /**
     * Runs {@code check} at every {@link #advance} step, before anything is drawn: a check that
     * throws (a cancelled command) ends the transfer there. Returns this.
     */
    Progress onStep(Runnable check) {
        this.onStep = check;
        return this;
    }

    /** Records {@code bytes} more done. */
    public void advance(long bytes) {
        onStep.run();
        done += bytes;
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - startNanos >= firstDrawNanos && now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(now);
        }
    }

    /** Erases the bar (the command prints its own summary). */
    @Override
    public void close() {
        if (enabled && lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
        }
    }

    private void draw(long now) {
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        String rate = Sizes.human((long) (done / seconds)) + "/s";
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total > 0) {
            int filled = (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
            line.append('[')
                    .append("#".repeat(filled))
                    .append(".".repeat(BAR_WIDTH - filled))
                    .append("] ")
                    .append(String.format(Locale.ROOT, "%3d%% ", done * 100 / total))
                    .append(Sizes.human(done))
                    .append(" / ")
                    .append(Sizes.human(total));
        } else {
            line.append(Sizes.human(done));
        }
        line.append("  ").append(rate);
        String s = line.toString();
        err.print("\r" + s + " ".repeat(Math.max(0, lastWidth - s.length())));
        err.flush();
        lastWidth = s.length();
    }

    /** A running activity indicator; {@link #close()} stops and erases it. */
    public interface Spinner extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * An activity indicator for an operation that reports no progress of its own (such as {@code
     * check}): a spinner and the elapsed time, redrawn by a daemon thread until closed.
     */
    public static Spinner spinner(PrintWriter err, String label, boolean enabled) {
        if (!enabled) {
            return () -> {};
        }
        long start = System.nanoTime();
        AtomicBoolean drawn = new AtomicBoolean();
        Thread t =
                new Thread(
                        () -> {
                            String frames = "|/-\\";
                            try {
                                Thread.sleep(FIRST_DRAW_NANOS / 1_000_000);
                                for (int i = 0; ; i++) {
                                    double s = (System.nanoTime() - start) / 1e9;
                                    synchronized (err) {
                                        err.printf(
                                                Locale.ROOT,
                                                "\r%s %c %.1f s",
                                                label,
                                                frames.charAt(i % 4),
                                                s);
                                        err.flush();
                                        drawn.set(true);
                                    }
                                    Thread.sleep(200);
                                }
                            } catch (InterruptedException e) {
                                // closed
                            }
                        },
                        "exoclone-spinner");
        t.setDaemon(true);
        t.start();
        return () -> {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (err) {
                if (drawn.get()) {
                    err.print("\r" + " ".repeat(label.length() + 16) + "\r");
                    err.flush();
                }
            }
        };
    }
}
