package io.exoclone.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committable format is persisted in checkpoints: version 1 must keep reading its golden. */
class PendingFileSerializerTest {
    static PendingFile sample() {
        PendingFile f = new PendingFile();
        f.exocloneId = "00000000-0000-4000-8000-000000000005";
        f.parentId = "00000000-0000-4000-8000-000000000004";
        f.volumeId = "00000000-0000-4000-8000-00000000000a";
        f.volumeName = "vm1";
        f.inProgressUri =
                "hdfs://nn:8020/exo/v/.00000000-0000-4000-8000-000000000005.exo.inprogress";
        f.finalUri = "hdfs://nn:8020/exo/v/00000000-0000-4000-8000-000000000005.exo";
        f.fileBytes = 12345;
        f.payloadBytes = 8192;
        f.dedupBytes = 4096;
        f.changedBytes = 12288;
        f.rootHash = new byte[32];
        f.rootHash[0] = 1;
        f.dedupIds = new String[] {"00000000-0000-4000-8000-000000000003"};
        f.snapshotCreatedMillis = 1_700_000_000_000L;
        f.sealedAtMillis = 1_700_000_000_500L;
        return f;
    }

    @Test
    void readsTheVersionOneGoldenAndWritesItByteForByte() throws Exception {
        PendingFileSerializer s = new PendingFileSerializer();
        byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/pending-file-v1.bin")) {
            if (in == null && Boolean.getBoolean("exoclone.writeGolden")) {
                Path p = Path.of("src/test/resources/golden/pending-file-v1.bin");
                Files.createDirectories(p.getParent());
                Files.write(p, s.serialize(sample()));
                return;
            }
            assertThat(in).as("golden file").isNotNull();
            golden = in.readAllBytes();
        }
        assertThat(s.deserialize(1, golden)).isEqualTo(sample());
        assertThat(s.getVersion()).isEqualTo(1);
        assertThat(s.serialize(sample())).isEqualTo(golden);
    }

    @Test
    void roundTripsWithoutParent() throws Exception {
        PendingFile f = sample();
        f.parentId = null;
        f.dedupIds = new String[0];
        PendingFileSerializer s = new PendingFileSerializer();
        assertThat(s.deserialize(1, s.serialize(f))).isEqualTo(f);
    }
}
