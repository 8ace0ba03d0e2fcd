package io.vigil.ledger;

import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;

/**
 * The ledger as the server sees it: connected on start when the node answers, otherwise connected later by
 * whoever asks first (at most one attempt per retry interval), so the pipeline runs while a node is down.
 */
public class LedgerConnector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerConnector.class);

    private final String rpcUrl;
    private final Credentials writer;
    private final Credentials deployer;
    private final String auditAddress;
    private final String trustAddress;
    private final Path ledgerDir;
    private final int threshold;
    private final long retryMs;
    private volatile Ledger ledger;
    private volatile String lastError = "not connected yet";
    private long nextAttempt;

    public LedgerConnector(String rpcUrl, Credentials writer, Credentials deployer, String auditAddress,
            String trustAddress, Path ledgerDir, int threshold, long retryMs) {
        this.rpcUrl = rpcUrl;
        this.writer = writer;
        this.deployer = deployer;
        this.auditAddress = auditAddress;
        this.trustAddress = trustAddress;
        this.ledgerDir = ledgerDir;
        this.threshold = threshold;
        this.retryMs = retryMs;
    }

    /** The connected ledger, connecting now if due; empty while the node cannot be reached. */
    public Optional<Ledger> get() {
        Ledger current = ledger;
        if (current != null) {
            return Optional.of(current);
        }
        synchronized (this) {
            if (ledger == null && System.currentTimeMillis() >= nextAttempt) {
                try {
                    ledger = Ledger.connect(rpcUrl, writer, deployer, auditAddress, trustAddress, ledgerDir, threshold);
                    lastError = null;
                } catch (Exception e) {
                    lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    nextAttempt = System.currentTimeMillis() + retryMs;
                    LOG.warn("ledger on {} not usable: {} (retrying)", rpcUrl, lastError);
                }
            }
            return Optional.ofNullable(ledger);
        }
    }

    /** The connected ledger, or a 503 for the API. */
    public Ledger require() {
        return get().orElseThrow(() -> new io.vigil.processors.UnavailableException("the ledger node is not reachable",
                java.util.Map.of("rpc_url", rpcUrl, "error", String.valueOf(lastError))));
    }

    public String rpcUrl() {
        return rpcUrl;
    }

    public String lastError() {
        return lastError;
    }

    @Override
    public synchronized void close() {
        if (ledger != null) {
            ledger.close();
        }
    }
}
