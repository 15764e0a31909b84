package io.exoclone.jobs.replicate;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Makes an exo-clone file at a URI readable as a local file for {@code Importer}. A {@code file://}
 * URI (or a bare path) is used in place; any other scheme Hadoop knows ({@code hdfs://}, {@code
 * s3a://}) is copied once into a staging directory that lives next to the replica pool, on the same
 * file system, so the import takes the staged file over by renaming it into the pool ({@code
 * Importer.Mode.MOVE}) instead of copying it again.
 */
final class ExocloneFetcher implements AutoCloseable {
    private final Configuration conf;
    private final Path stagingDir;
    private final Map<String, FileSystem> fileSystems = new HashMap<>();

    ExocloneFetcher(Map<String, String> hadoopProperties, Path stagingDir) {
        this.conf = new Configuration();
        hadoopProperties.forEach(conf::set);
        this.stagingDir = stagingDir;
    }

    /** A local file to import; {@link #close} deletes it when it was staged. */
    record Fetched(Path path, boolean staged, long bytes) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (staged) {
                // Gone when the import moved it into the pool; left when the import failed.
                Files.deleteIfExists(path);
            }
        }
    }

    Fetched fetch(String uri, String exocloneId) throws IOException {
        URI u = URI.create(uri);
        if (u.getScheme() == null || "file".equals(u.getScheme())) {
            Path local = u.getScheme() == null ? Path.of(uri) : Path.of(u);
            if (!Files.isRegularFile(local)) {
                throw new FileNotFoundException("No exo-clone file at " + uri);
            }
            return new Fetched(local, false, Files.size(local));
        }
        FileSystem fs = fileSystem(u);
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(u);
        Files.createDirectories(stagingDir);
        Path staged = Files.createTempFile(stagingDir, exocloneId + "-", ".exo");
        try (InputStream in = fs.open(remote)) {
            long bytes = Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
            return new Fetched(staged, true, bytes);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(staged);
            throw e;
        }
    }

    private FileSystem fileSystem(URI u) throws IOException {
        String key = u.getScheme() + "://" + (u.getAuthority() == null ? "" : u.getAuthority());
        FileSystem fs = fileSystems.get(key);
        if (fs == null) {
            fs = FileSystem.newInstance(u, conf);
            fileSystems.put(key, fs);
        }
        return fs;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileSystem fs : fileSystems.values()) {
            try {
                fs.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        fileSystems.clear();
        if (first != null) {
            throw first;
        }
    }
}
