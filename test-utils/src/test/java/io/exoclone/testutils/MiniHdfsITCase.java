package io.exoclone.testutils;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MiniHdfsITCase {

    @RegisterExtension static final MiniHdfs HDFS = new MiniHdfs();

    @Test
    void uriIsOnLoopback() {
        assertThat(HDFS.uri().toString()).matches("hdfs://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void writesAndReadsAFileThroughTheHadoopFileSystemApi() throws IOException {
        FileSystem fs = FileSystem.get(HDFS.uri(), HDFS.configuration());
        Path dir = new Path("/exoclone/files");
        Path file = new Path(dir, "hello.bin");
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }

        try (FSDataOutputStream out = fs.create(file, false)) {
            out.write(payload);
            out.hsync();
        }

        byte[] read = new byte[payload.length];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(read);
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(Arrays.equals(read, payload)).as("bytes read equal bytes written").isTrue();

        FileStatus[] listing = fs.listStatus(dir);
        assertThat(listing).hasSize(1);
        assertThat(listing[0].getPath().getName()).isEqualTo("hello.bin");
        assertThat(listing[0].getLen()).isEqualTo(payload.length);
        assertThat(listing[0].getReplication()).isEqualTo((short) 1);
    }

    @Test
    void sharedFileSystemRenamesAndDeletes() throws IOException {
        FileSystem fs = HDFS.fileSystem();
        Path from = new Path("/rename/a.txt");
        Path to = new Path("/rename/b.txt");
        try (FSDataOutputStream out = fs.create(from)) {
            out.write("exo-clone".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(fs.rename(from, to)).isTrue();
        assertThat(fs.exists(from)).isFalse();
        try (FSDataInputStream in = fs.open(to)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("exo-clone");
        }
        assertThat(fs.delete(to, false)).isTrue();
        assertThat(fs.exists(to)).isFalse();
    }
}
