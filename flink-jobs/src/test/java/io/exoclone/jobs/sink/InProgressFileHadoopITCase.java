package io.exoclone.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.connectors.fs.ExocloneFileStore;
import io.exoclone.connectors.fs.InProgressFile;
import io.exoclone.testutils.LocalS3;
import io.exoclone.testutils.MiniHdfs;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * In-progress files that survive a failed writer on the real stores: HDFS truncates (with lease and
 * block recovery: the failed writer never closed its stream) and S3 keeps part objects.
 */
class InProgressFileHadoopITCase {
    @RegisterExtension static final MiniHdfs HDFS = new MiniHdfs();
    @RegisterExtension static final LocalS3 S3 = new LocalS3();

    private static final UUID ID = UUID.fromString("00000000-0000-4000-8000-0000000000f1");

    @Test
    void hdfsTruncatesAFileItsFailedWriterLeftOpen() throws Exception {
        URI base = URI.create(HDFS.uri() + "/inprogress");
        try (ExocloneFileStore store = ExocloneFileStore.open(base, HDFS.hadoopProperties())) {
            assertThat(store.resumeMode()).isEqualTo(ExocloneFileStore.ResumeMode.TRUNCATE);
            // Not a multiple of the block size, so the truncate cuts a block and HDFS recovers it.
            roundTrip(store, base, HDFS.hadoopProperties(), false);
        }
    }

    @Test
    void s3KeepsPartsAndJoinsThem() throws Exception {
        URI base = URI.create(S3.uri() + "inprogress");
        try (ExocloneFileStore store = ExocloneFileStore.open(base, S3.hadoopProperties())) {
            assertThat(store.resumeMode()).isEqualTo(ExocloneFileStore.ResumeMode.PARTS);
            roundTrip(store, base, S3.hadoopProperties(), true);
        }
    }

    private static void roundTrip(
            ExocloneFileStore store, URI base, Map<String, String> hadoop, boolean closeFirst)
            throws Exception {
        byte[] a = bytes(300_000, 1);
        byte[] lost = bytes(70_001, 2);
        byte[] b = bytes(123_457, 3);
        InProgressFile first = store.startInProgress("vol", ID);
        first.stream().write(a);
        long at = first.persist();
        first.stream().write(lost);
        first.persist();
        if (closeFirst) {
            first.close();
        } // else: the writer "dies" holding its HDFS lease
        InProgressFile second = store.resumeInProgress("vol", ID, at);
        try (InputStream in = second.readResumed()) {
            assertThat(in.readAllBytes()).isEqualTo(a);
        }
        second.stream().write(b);
        second.persist();
        second.stream().write(b);
        URI done = second.complete();
        byte[] whole = concat(a, b, b);
        store.commit(done, store.finalUri("vol", ID), whole.length);
        Configuration conf = new Configuration();
        hadoop.forEach(conf::set);
        try (FileSystem fs = FileSystem.newInstance(base, conf)) {
            try (InputStream in = fs.open(new Path(store.finalUri("vol", ID)))) {
                assertThat(Arrays.equals(in.readAllBytes(), whole)).isTrue();
            }
            List<String> names = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(new Path(base), true);
            while (it.hasNext()) {
                names.add(it.next().getPath().getName());
            }
            assertThat(names).containsExactly(ID + ".exo");
        }
        if (!closeFirst) {
            try {
                first.close();
            } catch (java.io.IOException expected) {
                // Its lease was taken over and its block truncated: the dead writer cannot finish.
            }
        }
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
