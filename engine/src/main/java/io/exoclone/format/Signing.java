package io.exoclone.format;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 keys for signing exo-clone files: generation, PEM files ({@code KEY} holds the PKCS#8
 * private key, {@code KEY.pub} the X.509 public key), fingerprints, and the signed message.
 */
public final class Signing {
    static final String ALGORITHM = "Ed25519";
    private static final byte[] CONTEXT = "EXOCLONE-SIG-V1\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_PEM = 16 * 1024;

    private Signing() {}

    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new ExocloneException("This JDK cannot make Ed25519 keys", e);
        }
    }

    /** Where the public half of the key file {@code key} lives. */
    public static Path publicKeyPath(Path key) {
        return key.resolveSibling(key.getFileName() + ".pub");
    }

    /**
     * Writes {@code key} (private, owner-only where the file system allows) and {@code key.pub};
     * refuses to overwrite either.
     */
    public static void writeKeyPair(KeyPair pair, Path key) {
        Signer.of(pair);
        Path pub = publicKeyPath(key);
        for (Path p : new Path[] {key, pub}) {
            if (Files.exists(p)) {
                throw new InvalidArgumentException("Key file " + p + " already exists");
            }
        }
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        key,
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        } catch (IOException e) {
            throw new ExocloneException("Cannot write key files " + key + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code key} and {@code key.pub} and checks that they belong together. */
    public static Signer readSigner(Path key) {
        return Signer.of(new KeyPair(readPublicKey(publicKeyPath(key)), readPrivateKey(key)));
    }

    public static PrivateKey readPrivateKey(Path key) {
        byte[] der = readPem(key, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidArgumentException(
                    "Not an Ed25519 private key in PKCS#8 PEM form: " + key);
        }
    }

    public static PublicKey readPublicKey(Path pub) {
        byte[] der = readPem(pub, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new InvalidArgumentException(
                    "Not an Ed25519 public key in X.509 PEM form: " + pub);
        }
    }

    /** SHA-256 of the key's X.509 SubjectPublicKeyInfo encoding (44 bytes for Ed25519). */
    public static byte[] fingerprint(PublicKey key) {
        requireEd25519(key, "public key");
        return Hashes.sha256().digest(key.getEncoded());
    }

    /** The message an exo-clone signature signs: context, file digest, signer fingerprint. */
    static byte[] message(byte[] digest, byte[] fingerprint) {
        byte[] m = new byte[CONTEXT.length + digest.length + fingerprint.length];
        System.arraycopy(CONTEXT, 0, m, 0, CONTEXT.length);
        System.arraycopy(digest, 0, m, CONTEXT.length, digest.length);
        System.arraycopy(fingerprint, 0, m, CONTEXT.length + digest.length, fingerprint.length);
        return m;
    }

    static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static void requireEd25519(Key key, String what) {
        if (!(key instanceof EdECKey ed) || !ALGORITHM.equals(ed.getParams().getName())) {
            throw new InvalidArgumentException(
                    "The " + what + " must be Ed25519, got " + key.getAlgorithm());
        }
    }

    private static String pem(String label, byte[] der) {
        String body =
                Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static byte[] readPem(Path file, String label) {
        if (!Files.isRegularFile(file)) {
            throw new NotFoundException("No key file " + file);
        }
        String text;
        try {
            if (Files.size(file) > MAX_PEM) {
                throw new InvalidArgumentException(
                        "Key file " + file + " is larger than " + MAX_PEM + " bytes");
            }
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ExocloneException("Cannot read key file " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new InvalidArgumentException(
                    "Key file " + file + " has no '" + begin + "' block");
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new InvalidArgumentException("Key file " + file + " is not valid PEM base64");
        }
    }
}
