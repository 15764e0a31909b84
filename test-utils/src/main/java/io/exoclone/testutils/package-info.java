/** Shared test helpers: real services on 127.0.0.1 as JUnit 5 extensions. */
package io.exoclone.testutils;
