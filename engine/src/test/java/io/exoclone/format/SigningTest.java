package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningTest {
    @TempDir Path dir;

    @Test
    void keysRoundTripThroughPemFiles() throws IOException {
        KeyPair pair = Signing.generateKeyPair();
        Path key = dir.resolve("key");
        Signing.writeKeyPair(pair, key);
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve("key.pub")))
                .startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        Signer signer = Signing.readSigner(key);
        assertThat(signer.fingerprint()).isEqualTo(Signing.fingerprint(pair.getPublic()));
        assertThat(Signing.readPublicKey(dir.resolve("key.pub"))).isEqualTo(pair.getPublic());
        assertThatThrownBy(() -> Signing.writeKeyPair(pair, key))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void badKeysAreRefused() throws Exception {
        Path key = dir.resolve("k");
        Signing.writeKeyPair(Signing.generateKeyPair(), key);
        Path other = dir.resolve("o");
        Signing.writeKeyPair(Signing.generateKeyPair(), other);
        Files.copy(
                dir.resolve("o.pub"),
                dir.resolve("k.pub"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> Signing.readSigner(key))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("does not match");
        assertThatThrownBy(() -> Signing.readPublicKey(dir.resolve("missing.pub")))
                .isInstanceOf(NotFoundException.class);
        Path garbage =
                Files.writeString(
                        dir.resolve("g"),
                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assertThatThrownBy(() -> Signing.readPublicKey(garbage))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Ed25519");
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertThatThrownBy(() -> Signer.of(rsa))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("must be Ed25519");
    }

    @Test
    void signedFileVerifiesOnlyWithItsKey() throws IOException {
        KeyPair pair = Signing.generateKeyPair();
        KeyPair stranger = Signing.generateKeyPair();
        Plan plan = BadFiles.plan();
        Path signed = dir.resolve("signed.exo");
        plan.write(signed, Compression.LZ4, Optional.of(Signer.of(pair)));
        assertThat(BadFiles.failure(signed, Optional.of(pair.getPublic()))).isNull();
        assertThat(BadFiles.failure(signed, Optional.empty())).isNull();
        try (ExocloneReader r = ExocloneReader.open(signed)) {
            assertThat(r.inspect().signed()).isTrue();
            assertThat(r.inspect().signerFingerprint())
                    .isEqualTo(
                            io.exoclone.engine.Hex.encode(Signing.fingerprint(pair.getPublic())));
        }

        assertThat(BadFiles.failure(signed, Optional.of(stranger.getPublic())))
                .isInstanceOf(BadSignatureException.class)
                .hasMessageContaining("a signature by trusted key");

        // The right key's fingerprint, a damaged signature, the trailer CRC32C made to fit.
        Reseal tampered = Reseal.of(signed);
        tampered.signer = Optional.of(Signer.of(pair));
        tampered.flipSignatureBit = true;
        Path f = tampered.writeTo(dir.resolve("tampered.exo"));
        assertThat(BadFiles.failure(f, Optional.empty())).isNull();
        assertThat(BadFiles.failure(f, Optional.of(pair.getPublic())))
                .isInstanceOf(BadSignatureException.class)
                .hasMessageContaining("a valid Ed25519 signature");

        Path unsigned = dir.resolve("unsigned.exo");
        plan.write(unsigned, Compression.NONE, Optional.empty());
        assertThat(BadFiles.failure(unsigned, Optional.of(pair.getPublic())))
                .isInstanceOf(BadSignatureException.class)
                .hasMessageContaining("got an unsigned file");
    }
}
