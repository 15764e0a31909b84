package io.exoclone.server;

import io.exoclone.cli.CliContext;
import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.PoolCommand;
import io.exoclone.cli.StopSignal;
import io.exoclone.engine.Pool;
import io.exoclone.server.nbd.NbdServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code exoclone --pool DIR serve [--listen HOST:PORT] [--socket PATH]}: holds the pool open and
 * serves it until SIGINT or SIGTERM, then closes every connection, commits and exits 0.
 */
@Command(
        name = "serve",
        header = "Serve the pool: its volumes and snapshots as NBD block devices, until Ctrl-C.",
        description = {
            "Holds the pool open (and locked) and serves it until SIGINT or SIGTERM, then closes"
                    + " every connection, makes every acknowledged write durable and exits 0.",
            "",
            "Every volume is a writable NBD export named after the volume; every snapshot is a"
                    + " read-only export named by UUID, unique UUID prefix or NAME@TAG. The first"
                    + " line printed names the addresses served.",
            "",
            "An answered flush (or FUA write) makes every write acknowledged before it, on any"
                    + " connection, durable; flushes of all connections share commits, so several"
                    + " connections to one volume are safe. A volume or snapshot in use by a"
                    + " connection cannot be deleted, rebased or merged into (exit code 4).",
            "Listens on 127.0.0.1 only unless another address is named with --listen.",
            "",
            "While it runs, every other exoclone command on the pool works as usual (snapshot,"
                    + " write, read, rm, log, export, ...): it finds the control socket"
                    + " DIR/serve.sock and runs inside this process, with the same output and exit"
                    + " codes. 'replicate --from DIR' runs its change feed here.",
            "--volume snapshots each named volume every --every when it changed; --bootstrap"
                    + " publishes every snapshot to Kafka, exactly once, as 'stream' does.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone --pool /tmp/p serve",
            "  exoclone --pool /tmp/p serve --listen 127.0.0.1:0 --socket /tmp/p.nbd",
            "  nbdinfo --list nbd://127.0.0.1:10809",
            "  qemu-img convert -n -f raw -O raw disk.img nbd://127.0.0.1:10809/vm1",
            "  nbdcopy 'nbd+unix:///vm1@base?socket=/tmp/p.nbd' base.img",
            "  exoclone --pool /tmp/p serve -v vm1 --every 5s --bootstrap 127.0.0.1:9092",
            "  exoclone --pool /tmp/p snapshot vm1 --tag base   (while served: runs in serve)",
        })
public final class ServeCommand extends PoolCommand {
    @Option(
            names = {"-l", "--listen"},
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:10809",
            converter = ListenAddress.Converter.class,
            description =
                    "TCP address of the NBD server (default: ${DEFAULT-VALUE}; port 0 picks a free"
                            + " one, printed at start).")
    ListenAddress listen;

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description =
                    "Also serve NBD on this Unix domain socket (nbd+unix:///vm1?socket=PATH).")
    Path socket;

    /** Scheduled snapshots, the change feed and the control socket. */
    @Mixin ServeOptions components;

    /** serve holds the pool itself: on a pool that is served already it fails (exit 4). */
    @Override
    protected boolean runsInService() {
        return false;
    }

    @Override
    protected int run(CliContext cli, Pool pool) throws Exception {
        PrintWriter err = cli.err();
        try (StopSignal stop = StopSignal.install();
                PoolService service = new PoolService(pool, err)) {
            // The NBD server first, the control socket (in components) last: it stops first.
            service.add(NbdServer.start(pool, listen, socket, err));
            components.start(cli, service);
            StringBuilder what = new StringBuilder();
            for (ServiceComponent c : service.components()) {
                what.append(what.length() == 0 ? "" : ", ").append(c.describe());
            }
            cli.out()
                    .println(
                            "Serving pool "
                                    + pool.directory()
                                    + " (pid "
                                    + ProcessHandle.current().pid()
                                    + ")"
                                    + (what.length() == 0 ? "" : ": " + what)
                                    + "; Ctrl-C stops");
            cli.out().flush();
            stop.await();
            err.println("Stopping: closing connections and committing");
        }
        cli.out().println("Stopped; pool " + pool.directory() + " is committed");
        return ExitCodes.OK;
    }
}
