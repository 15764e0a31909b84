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

class LocalS3ITCase {

    @RegisterExtension static final LocalS3 S3 = new LocalS3();

    @Test
    void endpointIsOnLoopback() {
        assertThat(S3.endpoint().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void writesRenamesAndReadsAnObjectThroughS3a() throws IOException {
        FileSystem fs = FileSystem.get(S3.uri(), S3.hadoopConfiguration());
        try {
            Path dir = new Path(S3.uri().toString(), "exoclones");
            Path staging = new Path(dir, "snap-1.exo.inprogress");
            Path published = new Path(dir, "snap-1.exo");
            byte[] payload = new byte[1024 * 1024 + 5];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 7);
            }

            try (FSDataOutputStream out = fs.create(staging, false)) {
                out.write(payload);
            }
            assertThat(fs.rename(staging, published)).isTrue();
            assertThat(fs.exists(staging)).isFalse();

            byte[] read;
            try (FSDataInputStream in = fs.open(published)) {
                read = in.readAllBytes();
            }
            assertThat(read.length).isEqualTo(payload.length);
            assertThat(Arrays.equals(read, payload)).as("bytes read equal bytes written").isTrue();

            FileStatus[] listing = fs.listStatus(dir);
            assertThat(listing)
                    .extracting(status -> status.getPath().getName())
                    .containsExactly("snap-1.exo");
            assertThat(listing[0].getLen()).isEqualTo(payload.length);
        } finally {
            fs.close();
        }
    }

    @Test
    void objectsLandInTheBlobStoreDirectory() throws IOException {
        FileSystem fs = S3.fileSystem();
        Path file = new Path(S3.uri().toString(), "plain/hello.txt");
        try (FSDataOutputStream out = fs.create(file)) {
            out.write("hello".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(S3.baseDir().resolve(S3.bucket()).resolve("plain").resolve("hello.txt"))
                .hasContent("hello");
    }
}
