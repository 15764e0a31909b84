package io.exoclone.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes the golden files of format version 1 with a JSON sidecar of their inspect output. Run it
 * once per format version and commit the result; never regenerate an old version's files:
 *
 * <pre>
 * mvn -B -ntp -pl engine -am test-compile
 * java -cp "engine/target/test-classes:engine/target/classes:schemas/target/classes:$(cat cp.txt)" \
 *     io.exoclone.format.GoldenFiles engine/src/test/resources/golden/format-v1
 * </pre>
 *
 * (cp.txt from {@code mvn -pl engine dependency:build-classpath -Dmdep.outputFile=../cp.txt}; the
 * schemas module's own classes come first, so a stale installed snapshot cannot win). The signing
 * key {@code test-key} is made on the first run and then reused.
 */
public final class GoldenFiles {
    static final List<String> NAMES = List.of("raw", "lz4", "signed");
    static final String KEY = "test-key";
    static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    static final UUID PARENT = UUID.fromString("00000000-0000-4000-8000-0000000000a1");
    static final UUID SOURCE = UUID.fromString("00000000-0000-4000-8000-0000000000b2");

    private GoldenFiles() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/golden/format-v1");
        Files.createDirectories(dir);
        if (!Files.exists(dir.resolve(KEY))) {
            Signing.writeKeyPair(Signing.generateKeyPair(), dir.resolve(KEY));
        }
        Signer signer = Signing.readSigner(dir.resolve(KEY));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (String name : NAMES) {
            Path file = dir.resolve(name + ".exo");
            Files.deleteIfExists(file);
            write(name, file, signer);
            try (ExocloneReader r = ExocloneReader.open(file)) {
                r.verify(
                        name.equals("signed") ? Optional.of(signer.publicKey()) : Optional.empty());
                Files.writeString(
                        dir.resolve(name + ".json"),
                        json.writeValueAsString(r.inspect()) + "\n",
                        StandardCharsets.UTF_8);
            }
            System.out.println("Wrote " + file + " (" + Files.size(file) + " bytes)");
        }
    }

    /** The golden file {@code name}: every range kind, in a 1 MiB volume. */
    static void write(String name, Path file, Signer signer) {
        UUID uuid =
                UUID.nameUUIDFromBytes(
                        ("exoclone golden " + name).getBytes(StandardCharsets.UTF_8));
        Compression c = name.equals("lz4") ? Compression.LZ4 : Compression.NONE;
        int dataBlocks = c == Compression.LZ4 ? 4 : 1;
        byte[] data = new byte[dataBlocks * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ("exoclone golden " + name).charAt(i % (16 + name.length()));
        }
        byte[] root = Plan.sha256(("merkle " + name).getBytes(StandardCharsets.UTF_8));
        try (ExocloneWriter w =
                ExocloneWriter.builder(uuid)
                        .parent(PARENT)
                        .compression(c)
                        .created(CREATED)
                        .open(file)) {
            w.addData(1, dataBlocks, ByteBuffer.wrap(data), null);
            w.addDedup(
                    10,
                    1,
                    SOURCE,
                    4096 * 3,
                    4096,
                    Plan.sha256("source".getBytes(StandardCharsets.UTF_8)));
            w.addDedup(11, 1, uuid, 0, 4096, Plan.sha256(java.util.Arrays.copyOf(data, 4096)));
            w.addZero(20, 16);
            w.addTrim(200, 56);
            w.finish(root, 1 << 20, name.equals("signed") ? Optional.of(signer) : Optional.empty());
        }
    }
}
