package io.vigil.boot;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The start banner: where everything is. Secrets are never in it: it names the file that holds the dev tokens. */
final class Banner {

    private static final Logger LOG = LoggerFactory.getLogger(VigilApp.class);

    private Banner() {
    }

    static void print(VigilConfig config, int httpPort, DevTls.Material tls, java.util.List<String> devTokens, boolean server,
            boolean embeddedBroker, io.vigil.ledger.LedgerConnector ledger, boolean devChain) {
        StringBuilder banner = new StringBuilder("\nVigil is running (role ").append(config.get("vigil.role")).append(")\n");
        if (server) {
            banner.append("  API        https://localhost:").append(httpPort).append("/api/v1  (CA: ").append(tls.caPem()).append(")\n");
            banner.append("  OpenAPI    https://localhost:").append(httpPort).append("/api/v1/openapi.json\n");
            banner.append("  health     https://localhost:").append(httpPort).append("/health\n");
            banner.append("  metrics    https://localhost:").append(httpPort).append("/observe/metrics  (viewer token)\n");
            if (ledger != null) {
                banner.append("  ledger     ").append(ledger.rpcUrl()).append(devChain ? " (dev chain)" : "")
                        .append(ledger.get().map(l -> "  AuditLedger " + l.info().auditLedger() + "  DeviceTrust "
                                + l.info().deviceTrust()).orElse("  (not reachable yet)")).append('\n');
            }
        }
        banner.append("  MQTT       ").append(config.get("vigil.mqtt.effective-url")).append("  topic ")
                .append(config.get("vigil.mqtt.topic")).append('\n');
        if (embeddedBroker && config.getInt("vigil.mqtt.tls-port") > 0) {
            banner.append("  MQTT TLS   ssl://localhost:").append(config.getInt("vigil.mqtt.tls-port"))
                    .append("  (CA ").append(tls.caPem()).append("; client certificate ")
                    .append(config.get("vigil.mqtt.tls-client-auth")).append(": vigil tls --dir ")
                    .append(config.dataDir()).append(" --issue <name>)\n");
        }
        banner.append("  data       ").append(config.dataDir()).append('\n');
        if (!devTokens.isEmpty()) {
            // Tokens are secrets: the log says where they are, never what they are.
            Path file = config.dataDir().resolve("dev-tokens.properties");
            banner.append("  dev tokens ").append(String.join(", ", devTokens)).append(" in ").append(file)
                    .append(" (owner-only; set VIGIL_<ROLE>_TOKEN to replace). Read one:\n")
                    .append("    sed -n 's/^vigil.viewer.token=//p' ").append(file).append('\n');
        }
        LOG.info(banner.toString());
    }
}
