package io.exoclone.connectors.feed;

import io.exoclone.engine.ExocloneException;

/** The change feed failed: a misconfigured topic, or a Kafka or pool error it cannot retry. */
public class FeedException extends ExocloneException {
    public FeedException(String message) {
        super(message);
    }

    public FeedException(String message, Throwable cause) {
        super(message, cause);
    }
}
