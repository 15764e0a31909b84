package io.exoclone.testutils;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Lifecycle shared by every helper: a service that can be started and closed by hand, or registered
 * as {@code @RegisterExtension static} so JUnit starts it before the first test of the class and
 * closes it after the last.
 *
 * <p>The test class that started the service owns it: {@code @Nested} classes see the same running
 * service and do not restart or close it.
 */
public abstract class ServiceExtension
        implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private Class<?> owner;

    /** Starts the service; does nothing if it is already running. */
    public abstract void start();

    /** Stops the service and deletes what it wrote; does nothing if it is not running. */
    @Override
    public abstract void close();

    @Override
    public void beforeAll(ExtensionContext context) {
        if (owner == null) {
            owner = context.getRequiredTestClass();
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (owner != null && owner.equals(context.getRequiredTestClass())) {
            owner = null;
            close();
        }
    }
}
