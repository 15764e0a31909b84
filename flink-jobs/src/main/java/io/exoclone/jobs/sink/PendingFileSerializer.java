package io.exoclone.jobs.sink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Version 1 of the persisted {@link PendingFile}: every field in declaration order, strings as
 * modified UTF-8 with a presence flag for nullable ones. A golden copy lives in the test resources;
 * a new version must keep reading it.
 */
public final class PendingFileSerializer implements SimpleVersionedSerializer<PendingFile> {
    public static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(PendingFile f) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeUTF(f.exocloneId);
        writeNullable(out, f.parentId);
        out.writeUTF(f.volumeId);
        out.writeUTF(f.volumeName);
        out.writeUTF(f.inProgressUri);
        out.writeUTF(f.finalUri);
        out.writeLong(f.fileBytes);
        out.writeLong(f.payloadBytes);
        out.writeLong(f.dedupBytes);
        out.writeLong(f.changedBytes);
        out.writeInt(f.rootHash.length);
        out.write(f.rootHash);
        out.writeInt(f.dedupIds.length);
        for (String d : f.dedupIds) {
            out.writeUTF(d);
        }
        out.writeLong(f.snapshotCreatedMillis);
        out.writeLong(f.sealedAtMillis);
        out.flush();
        return bytes.toByteArray();
    }

    @Override
    public PendingFile deserialize(int version, byte[] serialized) throws IOException {
        if (version != VERSION) {
            throw new IOException(
                    "Unknown PendingFile serializer version "
                            + version
                            + ", this reads "
                            + VERSION);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized));
        PendingFile f = new PendingFile();
        f.exocloneId = in.readUTF();
        f.parentId = readNullable(in);
        f.volumeId = in.readUTF();
        f.volumeName = in.readUTF();
        f.inProgressUri = in.readUTF();
        f.finalUri = in.readUTF();
        f.fileBytes = in.readLong();
        f.payloadBytes = in.readLong();
        f.dedupBytes = in.readLong();
        f.changedBytes = in.readLong();
        f.rootHash = new byte[in.readInt()];
        in.readFully(f.rootHash);
        f.dedupIds = new String[in.readInt()];
        for (int i = 0; i < f.dedupIds.length; i++) {
            f.dedupIds[i] = in.readUTF();
        }
        f.snapshotCreatedMillis = in.readLong();
        f.sealedAtMillis = in.readLong();
        return f;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
