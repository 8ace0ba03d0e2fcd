package io.vigil.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A development CA and a server certificate made at first start into {@code <data>/tls}: server.p12
 * (key and chain), truststore.p12 and ca.pem (for curl --cacert and MQTT clients). Reused afterwards.
 */
public final class DevTls {

    /** Where the material lives and the random password protecting both key stores. */
    public record Material(Path keyStore, Path trustStore, Path caPem, String password) {
    }

    private DevTls() {
    }

    public static Material ensure(Path dataDir) {
        return ensure(dataDir, List.of());
    }

    /**
     * As {@link #ensure(Path)}, the server certificate also naming {@code hostnames} (the names clients use: a
     * compose service, a Kubernetes Service). Existing material is kept as it is.
     */
    public static Material ensure(Path dataDir, List<String> hostnames) {
        Path dir = dataDir.resolve("tls");
        Path keyStore = dir.resolve("server.p12");
        Path trustStore = dir.resolve("truststore.p12");
        Path caPem = dir.resolve("ca.pem");
        Path passwordFile = dir.resolve("keystore-password");
        try {
            if (Files.exists(keyStore) && Files.exists(trustStore) && Files.exists(passwordFile)) {
                return new Material(keyStore, trustStore, caPem, Files.readString(passwordFile).trim());
            }
            Files.createDirectories(dir);
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            writePrivate(passwordFile, password);

            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair caKeys = generator.generateKeyPair();
            X500Name caName = new X500Name("CN=Vigil development CA");
            X509Certificate ca = certificate(caName, caKeys, caName, caKeys, true, List.of());
            KeyPair serverKeys = generator.generateKeyPair();
            List<GeneralName> names = new ArrayList<>(List.of(
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")));
            String host = InetAddress.getLocalHost().getHostName();
            if (!host.isBlank() && !"localhost".equals(host)) {
                names.add(new GeneralName(GeneralName.dNSName, host));
            }
            for (String extra : hostnames) {
                if (!extra.isBlank() && !extra.equals(host) && !extra.equals("localhost")) {
                    names.add(new GeneralName(GeneralName.dNSName, extra.trim()));
                }
            }
            X509Certificate server = certificate(new X500Name("CN=vigil-server"), serverKeys, caName, caKeys,
                    false, names);

            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("vigil-server", serverKeys.getPrivate(), password.toCharArray(),
                    new Certificate[] {server, ca});
            store(keys, keyStore, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("vigil-dev-ca", ca);
            store(trust, trustStore, password);
            // The CA's key, owner-only, so `vigil tls --issue` can sign broker and client certificates later.
            KeyStore caStore = KeyStore.getInstance("PKCS12");
            caStore.load(null, null);
            caStore.setKeyEntry("vigil-dev-ca", caKeys.getPrivate(), password.toCharArray(), new Certificate[] {ca});
            store(caStore, dir.resolve("ca-key.p12"), password);
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(ca);
            }
            Files.writeString(caPem, pem.toString());
            return new Material(keyStore, trustStore, caPem, password);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new StartupException("cannot create the development TLS material in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A certificate issued by the dev CA: PKCS12 (key and chain) and the same as PEM files. */
    public record Issued(Path p12, Path certPem, Path keyPem, String password) {
    }

    /**
     * Issues a certificate signed by the development CA of {@code dataDir} (made by {@link #ensure}) for a
     * broker or an MQTT client: {@code <data>/tls/<name>.p12}, {@code <name>.crt.pem}, {@code <name>.key.pem}.
     */
    public static Issued issue(Path dataDir, String name, List<String> dnsNames) {
        if (!name.matches("^[a-z0-9][a-z0-9_-]{0,63}$")) {
            throw new StartupException("certificate names look like device ids, got '" + name + "'");
        }
        Material material = ensure(dataDir);
        Path dir = material.keyStore().getParent();
        Path caKeyStore = dir.resolve("ca-key.p12");
        if (!Files.exists(caKeyStore)) {
            throw new StartupException(caKeyStore + " is missing: this data dir's CA predates issuing; start from a new one");
        }
        try {
            KeyStore caStore = load(caKeyStore, material.password());
            java.security.PrivateKey caKey = (java.security.PrivateKey) caStore.getKey("vigil-dev-ca",
                    material.password().toCharArray());
            X509Certificate ca = (X509Certificate) caStore.getCertificate("vigil-dev-ca");
            KeyPair caKeys = new KeyPair(ca.getPublicKey(), caKey);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair keys = generator.generateKeyPair();
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, name));
            for (String dns : dnsNames) {
                if (dns.matches("^[0-9.]+$")) {
                    names.add(new GeneralName(GeneralName.iPAddress, dns));
                } else if (!dns.isBlank() && !dns.equals(name)) {
                    names.add(new GeneralName(GeneralName.dNSName, dns.trim()));
                }
            }
            X509Certificate cert = certificate(new X500Name("CN=" + name), keys,
                    X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), caKeys, false, names);
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            p12.load(null, null);
            p12.setKeyEntry(name, keys.getPrivate(), material.password().toCharArray(), new Certificate[] {cert, ca});
            Path p12Path = dir.resolve(name + ".p12");
            store(p12, p12Path, material.password());
            StringWriter certPem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(certPem)) {
                writer.writeObject(cert);
            }
            Path certPath = dir.resolve(name + ".crt.pem");
            Files.writeString(certPath, certPem.toString());
            StringWriter keyPem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(keyPem)) {
                writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null));
            }
            Path keyPath = dir.resolve(name + ".key.pem");
            Files.deleteIfExists(keyPath);
            writePrivate(keyPath, keyPem.toString());
            return new Issued(p12Path, certPath, keyPath, material.password());
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new StartupException("cannot issue a certificate for " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * TLS for the MQTT connection: trust the PEM CA given (else this data dir's dev CA) and present the
     * client certificate of {@code clientKeyStore} (PKCS12) when one is given.
     */
    public static javax.net.ssl.SSLSocketFactory mqttSocketFactory(Material material, Path caPem, Path clientKeyStore,
            String clientPassword) {
        try {
            KeyStore trust;
            if (caPem != null) {
                trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                try (InputStream in = Files.newInputStream(caPem)) {
                    int i = 0;
                    for (Certificate c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trust.setCertificateEntry("mqtt-ca-" + i++, c);
                    }
                }
            } else {
                trust = load(material.trustStore(), material.password());
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.KeyManager[] keyManagers = null;
            if (clientKeyStore != null) {
                KeyStore client = load(clientKeyStore, clientPassword);
                javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(client, clientPassword.toCharArray());
                keyManagers = kmf.getKeyManagers();
            }
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("cannot set up TLS for MQTT (VIGIL_MQTT_CA, VIGIL_MQTT_CLIENT_KEYSTORE): "
                    + e.getMessage(), e);
        }
    }

    /**
     * A trust store holding the development CA and, when given, the CA of a separate server (PEM), so a gateway
     * validates the server it forwards to. Written as {@code <data>/tls/trust-with-server.p12}.
     */
    public static Path trustStore(Material material, Path serverCaPem) {
        if (serverCaPem == null) {
            return material.trustStore();
        }
        Path combined = material.trustStore().resolveSibling("trust-with-server.p12");
        try (InputStream pem = Files.newInputStream(serverCaPem)) {
            KeyStore trust = load(material.trustStore(), material.password());
            trust.setCertificateEntry("vigil-server-ca",
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem));
            store(trust, combined, material.password());
            return combined;
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("cannot read the server CA " + serverCaPem + " (VIGIL_SERVER_CA): " + e.getMessage(), e);
        }
    }

    /** Loads a PKCS12 store written by {@link #ensure}. */
    public static KeyStore load(Path path, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static X509Certificate certificate(X500Name subject, KeyPair subjectKeys, X500Name issuer,
            KeyPair issuerKeys, boolean isCa, List<GeneralName> altNames)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(isCa ? 3650 : 825))), subject, subjectKeys.getPublic());
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                extensions.createSubjectKeyIdentifier(subjectKeys.getPublic()));
        if (isCa) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(altNames.toArray(GeneralName[]::new)));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static void store(KeyStore store, Path path, String password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(path)) {
            store.store(out, password.toCharArray());
        }
    }

    static void writePrivate(Path path, String content) throws IOException {
        Files.writeString(path, content);
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the data dir's own permissions apply
        }
    }
}
