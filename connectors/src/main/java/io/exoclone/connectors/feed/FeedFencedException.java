package io.exoclone.connectors.feed;

/**
 * Another emitter started with the same {@code transactional.id} (the same pool, or a copy of its
 * directory) and fenced this one. This feed stops for good: two emitters of one pool would publish
 * its snapshots twice.
 */
public class FeedFencedException extends FeedException {
    public FeedFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
