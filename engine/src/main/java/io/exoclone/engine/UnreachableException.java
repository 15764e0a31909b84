package io.exoclone.engine;

/**
 * A service named on the command line (a Kafka bootstrap server, a Flink REST endpoint) does not
 * answer. Nothing was changed; retry once the service is up.
 */
public class UnreachableException extends ExocloneException {
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
