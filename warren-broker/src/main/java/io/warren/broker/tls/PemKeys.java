package io.warren.broker.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Reads a private key from a PEM file in the forms certificate tools write: PKCS#8
 * ("PRIVATE KEY", OpenSSL 3's default), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY") and PKCS#1
 * RSA ("RSA PRIVATE KEY", older OpenSSL and many RabbitMQ guides), which the JDK cannot read by
 * itself and is therefore wrapped into PKCS#8 here.
 */
final class PemKeys {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
  /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }, DER-encoded. */
  private static final byte[] RSA_ALGORITHM = {
      0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

  private PemKeys() {
  }

  static PrivateKey read(Path file, String password) throws IOException, GeneralSecurityException {
    Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      if (!type.endsWith("PRIVATE KEY")) {
        continue;
      }
      if (m.group(2).contains("Proc-Type:")) {
        throw new GeneralSecurityException("keys encrypted in OpenSSL's legacy format are not supported; "
            + "convert it with 'openssl pkcs8 -topk8'");
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      return switch (type) {
        case "PRIVATE KEY" -> pkcs8(der);
        case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapRsa(der)));
        case "ENCRYPTED PRIVATE KEY" -> decrypt(der, password);
        default -> throw new GeneralSecurityException("unsupported key type '" + type
            + "'; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt'");
      };
    }
    throw new GeneralSecurityException("no private key in " + file);
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS", "DSA"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  private static PrivateKey decrypt(byte[] der, String password) throws IOException, GeneralSecurityException {
    if (password == null) {
      throw new GeneralSecurityException("the key is encrypted and no password is set");
    }
    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
    SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
    Cipher cipher = Cipher.getInstance(info.getAlgName());
    cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())),
        info.getAlgParameters());
    return pkcs8(info.getKeySpec(cipher).getEncoded());
  }

  /** PrivateKeyInfo ::= SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING pkcs1 } */
  static byte[] wrapRsa(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    writeLength(body, pkcs1.length);
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    writeLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
      return;
    }
    int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write(length >>> (8 * i));
    }
  }
}
