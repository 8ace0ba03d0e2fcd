package io.vigil.boot;

import java.nio.file.Files;
import java.nio.file.Path;

/** The server's ledger at start: the dev chain it runs, or the node it is given, and the contracts on it. */
final class LedgerSetup {

    /** The dev chain (null with an outside node) and the connector to the contracts. */
    record Started(io.vigil.ledger.DevChain devChain, io.vigil.ledger.LedgerConnector connector) {
        /** Undoes a start that is not used (a later start-up step failed): the connector, then the dev chain. */
        void close() {
            connector.close();
            if (devChain != null) {
                devChain.close();
            }
        }
    }

    private LedgerSetup() {
    }

    /**
     * The server's ledger: the embedded dev chain (Ganache, accounts generated into the data dir) unless
     * VIGIL_ETH_URL names a node, whose writer key then comes from VIGIL_ETH_PRIVATE_KEY. A node that is down
     * at start is connected later; the dev chain must start.
     */
    static Started connect(VigilConfig config, Path dataDir, boolean devChainNeeded) {
        io.vigil.ledger.DevChain devChain = null;
        Path ledgerDir = dataDir.resolve("ledger");
        org.web3j.crypto.Credentials writer;
        org.web3j.crypto.Credentials deployer;
        String url;
        if (devChainNeeded) {
            try {
                devChain = io.vigil.ledger.DevChain.start(findGanache(config), ledgerDir,
                        config.getInt("vigil.ledger.dev-port"), java.time.Duration.ofSeconds(60));
            } catch (io.vigil.ledger.DevChainException e) {
                throw new StartupException(e.getMessage(), e);
            }
            url = devChain.url();
            writer = devChain.writer();
            deployer = devChain.owner();
        } else {
            url = config.get("vigil.eth.url");
            if (!config.isSet("vigil.eth.private-key")) {
                throw new StartupException("VIGIL_ETH_URL is set, so VIGIL_ETH_PRIVATE_KEY must hold the server's writer"
                        + " account key (hex)");
            }
            try {
                writer = org.web3j.crypto.Credentials.create(config.get("vigil.eth.private-key").trim());
            } catch (RuntimeException e) {
                throw new StartupException("VIGIL_ETH_PRIVATE_KEY is not a hex secp256k1 private key");
            }
            deployer = writer;
        }
        io.vigil.ledger.LedgerConnector connector = new io.vigil.ledger.LedgerConnector(url, writer, deployer,
                config.get("vigil.ledger.audit-address"), config.get("vigil.ledger.trust-address"), ledgerDir,
                config.getInt("vigil.ledger.command-threshold"), config.getLong("vigil.ledger.backoff-max-ms"));
        if (connector.get().isEmpty() && devChainNeeded) {
            connector.close();
            devChain.close();
            throw new StartupException("cannot deploy or load the contracts on the dev chain: " + connector.lastError());
        }
        return new Started(devChain, connector);
    }

    /** Ganache from the project's npm install: as configured, else next to the jar's project, else ./contracts. */
    private static Path findGanache(VigilConfig config) {
        if (config.isSet("vigil.ledger.ganache")) {
            return Path.of(config.get("vigil.ledger.ganache"));
        }
        Path relative = Path.of("contracts", "node_modules", ".bin", "ganache");
        try {
            Path jar = Path.of(VigilApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path project = jar.getParent() == null ? null : jar.getParent().getParent();
            if (project != null && Files.isExecutable(project.resolve(relative))) {
                return project.resolve(relative);
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall back to the working directory
        }
        return relative;
    }
}
