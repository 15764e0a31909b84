package io.exoclone.server.feed;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Pool;
import java.util.Iterator;
import java.util.ServiceLoader;

/** Starts a change feed through the {@link FeedProvider} on the class path. */
public final class Feeds {
    private Feeds() {}

    /**
     * Starts a feed of {@code pool}.
     *
     * @throws ExocloneException when no provider is on the class path (the connectors module is
     *     missing)
     */
    public static ServiceFeed start(Pool pool, FeedOptions options, FeedEvents events) {
        Iterator<FeedProvider> it =
                ServiceLoader.load(FeedProvider.class, Feeds.class.getClassLoader()).iterator();
        if (!it.hasNext()) {
            throw new ExocloneException(
                    "The change feed is not on the class path (module exoclone-connectors), so"
                            + " this process cannot publish to Kafka at "
                            + options.bootstrap()
                            + "; run the exoclone launcher, whose class path has it");
        }
        return it.next().start(pool, options, events);
    }
}
