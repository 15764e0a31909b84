package io.exoclone.format;

import io.exoclone.engine.Hex;
import io.exoclone.engine.InvalidArgumentException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** An Ed25519 key pair that signs exo-clone files. Make one with {@link Signing}. */
public final class Signer {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final byte[] fingerprint;

    private Signer(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.fingerprint = Signing.fingerprint(publicKey);
    }

    /** Checks that both halves are Ed25519 and belong together. */
    public static Signer of(KeyPair pair) {
        Signing.requireEd25519(pair.getPublic(), "public key");
        Signing.requireEd25519(pair.getPrivate(), "private key");
        Signer signer = new Signer(pair.getPrivate(), pair.getPublic());
        byte[] probe = Signing.message(new byte[Format.HASH_SIZE], signer.fingerprint);
        if (!Signing.verify(pair.getPublic(), probe, signer.sign(probe))) {
            throw new InvalidArgumentException(
                    "The public key "
                            + Hex.encode(signer.fingerprint)
                            + " does not match the private key");
        }
        return signer;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** SHA-256 of the public key's X.509 encoding. */
    public byte[] fingerprint() {
        return fingerprint.clone();
    }

    byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance(Signing.ALGORITHM);
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new InvalidArgumentException(
                    "Cannot sign with this Ed25519 key: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Signer[Ed25519 " + Hex.encode(fingerprint) + "]";
    }
}
