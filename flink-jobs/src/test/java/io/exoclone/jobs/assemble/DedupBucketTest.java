package io.exoclone.jobs.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DedupBucketTest {
    @Test
    void behavesLikeASortedMapFromHashToPlace() {
        Random rnd = new Random(5);
        TreeMap<String, DedupLocation> expected = new TreeMap<>();
        byte[] bucket = new byte[0];
        for (int i = 0; i < 2000; i++) {
            byte[] hash = new byte[DedupBucket.HASH];
            rnd.nextBytes(hash);
            hash[0] = (byte) 0xfe; // one bucket; bytes >= 0x80 check the unsigned order
            hash[1] = 0x01;
            if (i % 3 == 0 && !expected.isEmpty()) {
                hash = io.exoclone.engine.Hex.decode(expected.firstKey()); // a replacement
            }
            DedupLocation place =
                    new DedupLocation(
                            new UUID(rnd.nextLong(), rnd.nextLong()),
                            rnd.nextLong(),
                            rnd.nextLong() & Long.MAX_VALUE,
                            4096L * (1 + rnd.nextInt(16)));
            byte[] before = bucket.clone();
            int at = DedupBucket.find(bucket, hash);
            bucket = DedupBucket.with(bucket, at, hash, place);
            assertThat(Arrays.equals(before, bucket)).isFalse();
            expected.put(io.exoclone.engine.Hex.encode(hash), place);
        }
        assertThat(DedupBucket.size(bucket)).isEqualTo(expected.size());
        int i = 0;
        for (var e : expected.entrySet()) {
            byte[] hash = io.exoclone.engine.Hex.decode(e.getKey());
            assertThat(DedupBucket.find(bucket, hash)).isEqualTo(i);
            DedupLocation got = DedupBucket.location(bucket, i);
            assertThat(got.exoclone()).isEqualTo(e.getValue().exoclone());
            assertThat(got.order).isEqualTo(e.getValue().order);
            assertThat(got.imageOffset).isEqualTo(e.getValue().imageOffset);
            assertThat(got.length).isEqualTo(e.getValue().length);
            i++;
        }
        byte[] absent = new byte[DedupBucket.HASH];
        absent[0] = (byte) 0xfe;
        absent[1] = 0x01;
        assertThat(DedupBucket.find(bucket, absent)).isEqualTo(-1); // before every other hash
        assertThat(DedupBucket.of(absent)).isEqualTo(0xfe01);
    }
}
