package io.exoclone.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void drawsABarAndErasesIt() {
        StringWriter sw = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(sw), "read vm1", 100L << 20, true, 0)) {
            p.advance(50L << 20);
            assertThat(sw.toString()).contains("read vm1 [###").contains(" 50% ");
        }
        assertThat(sw.toString()).endsWith("\r");
    }

    @Test
    void quickTransfersNeverDraw() {
        StringWriter sw = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(sw), "write vm1", -1, true)) {
            p.advance(5);
        }
        assertThat(sw.toString()).isEmpty();
    }

    @Test
    void staysQuietWhenNotATerminal() {
        StringWriter sw = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(sw), "read vm1", 100L << 20, false)) {
            p.advance(50L << 20);
        }
        try (Progress.Spinner s = Progress.spinner(new PrintWriter(sw), "check", false)) {
            assertThat(s).isNotNull();
        }
        assertThat(sw.toString()).isEmpty();
    }
}
