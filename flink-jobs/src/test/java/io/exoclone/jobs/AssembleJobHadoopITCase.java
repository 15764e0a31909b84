package io.exoclone.jobs;

import io.exoclone.format.Compression;
import io.exoclone.testutils.EmbeddedKafka;
import io.exoclone.testutils.LocalFlinkCluster;
import io.exoclone.testutils.LocalS3;
import io.exoclone.testutils.MiniHdfs;
import java.net.URI;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** End to end against HDFS (MiniDFSCluster) and S3 (s3proxy through s3a://). */
class AssembleJobHadoopITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @RegisterExtension
    static final LocalFlinkCluster FLINK = LocalFlinkCluster.builder().taskSlots(2).build();

    @RegisterExtension static final MiniHdfs HDFS = new MiniHdfs();
    @RegisterExtension static final LocalS3 S3 = new LocalS3();

    @TempDir Path tmp;

    @Test
    void toHdfs() throws Exception {
        EndToEnd.run(
                KAFKA,
                FLINK,
                URI.create(HDFS.uri() + "/exoclones"),
                HDFS.hadoopProperties(),
                "hdfs-",
                tmp,
                UnaryOperator.identity(),
                true);
    }

    @Test
    void toS3() throws Exception {
        EndToEnd.run(
                KAFKA,
                FLINK,
                URI.create(S3.uri() + "exoclones"),
                S3.hadoopProperties(),
                "s3-",
                tmp,
                UnaryOperator.identity(),
                true,
                // LZ4 here (uncompressed on file:// and HDFS): frames across S3's part objects.
                Compression.LZ4);
    }
}
