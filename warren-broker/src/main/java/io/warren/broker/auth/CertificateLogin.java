package io.warren.broker.auth;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The user name a client certificate logs in as with SASL EXTERNAL, as RabbitMQ's
 * {@code ssl_cert_login_from} chooses it: the subject's whole distinguished name (the default)
 * or its common name.
 *
 * <p>RabbitMQ writes the distinguished name in the RFC 4514 form OpenSSL's
 * {@code -nameopt RFC2253} prints: the last RDN first, comma-separated, short attribute names,
 * special characters escaped, e.g. {@code CN=alice,O=client,C=GB}. The JDK's RFC 2253 form is
 * the same for the attributes it knows; the map below names the others RabbitMQ names, which the
 * JDK would otherwise print as an OID with a hex value.
 */
public enum CertificateLogin {
  /** {@code ssl_cert_login_from = distinguished_name}, RabbitMQ's default. */
  DISTINGUISHED_NAME,
  /** {@code ssl_cert_login_from = common_name}. */
  COMMON_NAME;

  private static final Map<String, String> RABBIT_ATTRIBUTE_NAMES = Map.of(
      "2.5.4.4", "SN",
      "2.5.4.42", "GIVENNAME",
      "2.5.4.43", "INITIALS",
      "2.5.4.44", "GENERATIONQUALIFIER",
      "2.5.4.12", "TITLE",
      "2.5.4.5", "SERIALNUMBER",
      "2.5.4.65", "PSEUDONYM",
      "1.2.840.113549.1.9.1", "EMAILADDRESS");

  /** The configuration value: "distinguished_name" or "common_name". */
  public static CertificateLogin byName(String name) {
    return switch (name) {
      case "distinguished_name" -> DISTINGUISHED_NAME;
      case "common_name" -> COMMON_NAME;
      default -> throw new IllegalArgumentException("ssl_cert_login_from must be distinguished_name or common_name, "
          + "not '" + name + "'");
    };
  }

  /** The user name {@code certificate} stands for, or null when it has none of the kind asked for. */
  public String userName(X509Certificate certificate) {
    String dn = subject(certificate);
    if (this == DISTINGUISHED_NAME) {
      return dn;
    }
    try {
      // RabbitMQ joins several CNs with commas, in the certificate's order.
      List<String> commonNames = new ArrayList<>();
      for (Rdn rdn : new LdapName(dn).getRdns()) { // the certificate's order
        javax.naming.directory.Attribute cn = rdn.toAttributes().get("CN");
        for (int i = 0; cn != null && i < cn.size(); i++) {
          commonNames.add(String.valueOf(cn.get(i)));
        }
      }
      return commonNames.isEmpty() ? null : String.join(",", commonNames);
    } catch (javax.naming.NamingException e) {
      return null;
    }
  }

  /** The subject in RabbitMQ's distinguished-name form. */
  public static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253, RABBIT_ATTRIBUTE_NAMES);
  }
}
