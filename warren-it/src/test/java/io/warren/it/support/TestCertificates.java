package io.warren.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for the TLS tests, made in memory with BouncyCastle and written as the PEM
 * files RabbitMQ's {@code ssl_options} name: a CA, a server certificate for localhost and
 * 127.0.0.1, and client certificates signed by that CA or, for the negative tests, by a second
 * CA the broker does not trust.
 */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final Issued ca;
  private final Issued server;

  /** A key pair, its certificate and the PEM files they were written to. */
  public record Issued(KeyPair keys, X509Certificate certificate, Path certFile, Path keyFile) {
  }

  private TestCertificates(Path dir, Issued ca, Issued server) {
    this.dir = dir;
    this.ca = ca;
    this.server = server;
  }

  /** Makes the CA and the server certificate in {@code dir}. */
  public static TestCertificates create(Path dir) {
    Issued ca = selfSignedCa(dir, "ca", "CN=Warren Test CA,O=Warren tests");
    Issued server = issue(dir, "server", ca, "CN=localhost,O=Warren tests", true);
    return new TestCertificates(dir, ca, server);
  }

  public Path caCertFile() {
    return ca.certFile();
  }

  public Path serverCertFile() {
    return server.certFile();
  }

  public Path serverKeyFile() {
    return server.keyFile();
  }

  /** The server's key again, as PKCS#1 ("RSA PRIVATE KEY"), the form older OpenSSL writes. */
  public Path serverKeyFileAsPkcs1() {
    Path file = dir.resolve("server-key-pkcs1.pem");
    try {
      writePem(file, server.keys().getPrivate()); // BouncyCastle writes an RSA key as PKCS#1
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * A client certificate signed by the CA, for {@code subject} written in the certificate's
   * order (e.g. "C=GB,O=Warren tests,CN=alice"); file names start with {@code name}.
   */
  public Issued client(String name, String subject) {
    return issue(dir, name, ca, subject, false);
  }

  /** A client certificate signed by a CA of its own, which the broker does not trust. */
  public Issued untrustedClient(String name, String subject) {
    Issued rogueCa = selfSignedCa(dir, name + "-rogue-ca", "CN=Rogue CA,O=Elsewhere");
    return issue(dir, name, rogueCa, subject, false);
  }

  /** A client TLS context that trusts the CA and presents {@code client} (or no certificate when null). */
  public SSLContext clientContext(Issued client) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (client != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", client.keys().getPrivate(), new char[0],
            new X509Certificate[] {client.certificate()});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keyManagers = kmf == null ? null
          : new KeyManager[] {new AlwaysPresent((X509KeyManager) kmf.getKeyManagers()[0])};
      context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Presents the client's certificate whatever CAs the server says it accepts: the JDK would
   * otherwise send none when its issuer is not among them, and a test of an untrusted
   * certificate would test no certificate instead.
   */
  private static final class AlwaysPresent extends X509ExtendedKeyManager {
    private final X509KeyManager keys;

    AlwaysPresent(X509KeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }

  private static Issued selfSignedCa(Path dir, String name, String subject) {
    KeyPair keys = newKeys();
    X500Name dn = new X500Name(subject);
    try {
      X509v3CertificateBuilder builder = builder(dn, dn, keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return write(dir, name, keys, sign(builder, keys));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Issued issue(Path dir, String name, Issued issuer, String subject, boolean server) {
    KeyPair keys = newKeys();
    try {
      X500Name issuerName = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder builder = builder(issuerName, new X500Name(subject), keys)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
      if (server) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"),
            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      }
      return write(dir, name, keys, sign(builder, issuer.keys()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair newKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Certificate as "name-cert.pem", key as unencrypted PKCS#8 "name-key.pem" (what OpenSSL 3 writes). */
  private static Issued write(Path dir, String name, KeyPair keys, X509Certificate certificate) throws IOException {
    Path certFile = dir.resolve(name + "-cert.pem");
    Path keyFile = dir.resolve(name + "-key.pem");
    writePem(certFile, certificate);
    writePem(keyFile, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
    return new Issued(keys, certificate, certFile, keyFile);
  }

  private static void writePem(Path file, Object object) throws IOException {
    try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(object);
    }
  }
}
