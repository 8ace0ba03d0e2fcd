package io.vigil.ledger;

import io.vigil.crypto.MerkleTree;
import io.vigil.ledger.contracts.AuditLedger;
import io.vigil.ledger.contracts.DeviceTrust;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The two contracts on one JSON-RPC node, through the web3j wrappers generated at build time: reads for the
 * API (trust, threshold, batch roots, receipts) and the writer account's transactions for the outbox drain.
 * Contract addresses come from configuration, or from {@code <data>/ledger/contracts.properties}, or are
 * deployed on first use and remembered there.
 */
public final class Ledger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(6_000_000);

    /** Where the ledger is; the chain id and contract addresses as found or deployed. */
    public record Info(String rpcUrl, long chainId, String auditLedger, String deviceTrust, String writer) {
    }

    private final Web3j web3j;
    private final Info info;
    private final HashRecordingManager writerManager;
    private final AuditLedger audit;
    private final DeviceTrust trust;
    /** The first AuditLedger's address on this chain, when a data dir from before anchor roots had one; or null. */
    private final String legacyAudit;

    private Ledger(Web3j web3j, Info info, HashRecordingManager writerManager, AuditLedger audit, DeviceTrust trust,
            String legacyAudit) {
        this.web3j = web3j;
        this.info = info;
        this.writerManager = writerManager;
        this.audit = audit;
        this.trust = trust;
        this.legacyAudit = legacyAudit;
    }

    /**
     * Connects to {@code rpcUrl}; uses the configured addresses, else those remembered in {@code ledgerDir},
     * else deploys both contracts with {@code deployer} (the owner) naming {@code writer} as the writer.
     */
    public static Ledger connect(String rpcUrl, Credentials writer, Credentials deployer, String auditAddress,
            String trustAddress, Path ledgerDir, int commandThreshold) throws IOException {
        Web3j web3j = Web3j.build(new HttpService(rpcUrl));
        try {
            long chainId = web3j.ethChainId().send().getChainId().longValueExact();
            ContractGasProvider gas = new NodeGasPrice(web3j);
            HashRecordingManager writerManager = new HashRecordingManager(web3j, writer, chainId);
            Path remembered = ledgerDir.resolve("contracts.properties");
            Properties known = new Properties();
            if (Files.exists(remembered)) {
                try (var in = Files.newInputStream(remembered)) {
                    known.load(in);
                }
                if (!String.valueOf(chainId).equals(known.getProperty("chain_id"))) {
                    known.clear();
                }
            }
            String auditAt = pick(auditAddress, known.getProperty("audit_ledger"), web3j);
            String trustAt = pick(trustAddress, known.getProperty("device_trust"), web3j);
            String legacy = known.getProperty("audit_ledger_v1");
            if (auditAt != null && !holdsAnchorRoots(web3j, auditAt)) {
                if (auditAddress != null && !auditAddress.isBlank()) {
                    throw new IOException("the AuditLedger at " + auditAt + " is the first version (a storage slot per"
                            + " batch, no anchor roots); deploy the current contract or leave the address unset");
                }
                LOG.warn("the remembered AuditLedger {} is the first version: deploying the current one; batches"
                        + " anchored before stay readable there", auditAt);
                legacy = auditAt;
                auditAt = null;
            }
            boolean deployed = false;
            if (auditAt == null || trustAt == null) {
                if ((auditAddress != null && !auditAddress.isBlank()) || (trustAddress != null && !trustAddress.isBlank())) {
                    throw new IOException("no contract code at the configured address(es) " + auditAddress + " / "
                            + trustAddress + " on " + rpcUrl);
                }
                RawTransactionManager owner = new RawTransactionManager(web3j, deployer, chainId, receipts(web3j));
                if (auditAt == null) {
                    auditAt = AuditLedger.deploy(web3j, owner, gas, writer.getAddress()).send().getContractAddress();
                }
                if (trustAt == null) {
                    trustAt = DeviceTrust.deploy(web3j, owner, gas, writer.getAddress(),
                            BigInteger.valueOf(commandThreshold)).send().getContractAddress();
                }
                deployed = true;
                Files.createDirectories(ledgerDir);
                Properties save = new Properties();
                save.setProperty("chain_id", String.valueOf(chainId));
                save.setProperty("audit_ledger", auditAt);
                save.setProperty("device_trust", trustAt);
                if (legacy != null) {
                    save.setProperty("audit_ledger_v1", legacy);
                }
                try (var out = Files.newOutputStream(remembered)) {
                    save.store(out, "Vigil contracts deployed on " + rpcUrl);
                }
            }
            AuditLedger audit = AuditLedger.load(auditAt, web3j, writerManager, gas);
            DeviceTrust trust = DeviceTrust.load(trustAt, web3j, writerManager, gas);
            Info info = new Info(rpcUrl, chainId, auditAt, trustAt, writer.getAddress());
            LOG.info("ledger on {} (chain {}): AuditLedger {}, DeviceTrust {}{}", rpcUrl, chainId, auditAt, trustAt,
                    deployed ? " (deployed now)" : "");
            return new Ledger(web3j, info, writerManager, audit, trust, legacy);
        } catch (Exception e) {
            web3j.shutdown();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    private static String pick(String configured, String remembered, Web3j web3j) throws IOException {
        String address = configured != null && !configured.isBlank() ? configured : remembered;
        if (address == null || address.isBlank()) {
            return null;
        }
        String code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
        return code == null || code.equals("0x") || code.isEmpty() ? null : address;
    }

    /** True when the contract answers {@code anchoredAt(bytes32)}: the AuditLedger that anchors under roots. */
    private static boolean holdsAnchorRoots(Web3j web3j, String address) throws IOException {
        String selector = org.web3j.abi.FunctionEncoder.encode(new org.web3j.abi.datatypes.Function("anchoredAt",
                List.of(new org.web3j.abi.datatypes.generated.Bytes32(new byte[32])), List.of()));
        var answer = web3j.ethCall(org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(null,
                address, selector), DefaultBlockParameterName.LATEST).send();
        String value = answer.getValue();
        return !answer.hasError() && !answer.isReverted() && value != null && value.length() == 66;
    }

    private static PollingTransactionReceiptProcessor receipts(Web3j web3j) {
        return new PollingTransactionReceiptProcessor(web3j, 200, 300);
    }

    public Info info() {
        return info;
    }

    // ---- reads (eth_call against the latest block) ----

    public int trustOf(String deviceId) throws IOException {
        return call(() -> trust.trustOf(LedgerIds.name(deviceId)).send()).intValueExact();
    }

    public int commandThreshold() throws IOException {
        return call(() -> trust.commandThreshold().send()).intValueExact();
    }

    /**
     * How the chain anchors one batch: its hash as its first BatchAnchored event gives it, that transaction's batch
     * hashes in event order (the anchor's leaves), the RFC 6962 root over them, and whether the contract's storage
     * holds that root ({@code anchoredAt}, the block it was anchored in).
     */
    public record Anchor(String batchHash, String txHash, long block, List<String> anchorHashes, int anchorIndex,
            String anchorRoot, boolean rootHeld) {

        /** RFC 6962 audit path of the batch hash up to the anchor root. */
        public List<String> anchorPath() {
            return MerkleTree.auditPath(anchorHashes.stream().map(LedgerIds::hash).toList(), anchorIndex);
        }
    }

    /**
     * The hash anchored on-chain for a batch, or empty when the batch is not anchored: its first BatchAnchored
     * event, counted only when the contract holds its transaction's anchor root.
     */
    public Optional<String> batchRoot(UUID batchId) throws IOException {
        return batchRoot(batchId, null);
    }

    /** As {@link #batchRoot(UUID)}; {@code block}, when known, is where to look for the anchor. */
    public Optional<String> batchRoot(UUID batchId, Long block) throws IOException {
        Optional<Anchor> anchor = anchor(batchId, block);
        if (anchor.isPresent()) {
            return anchor.get().rootHeld() ? Optional.of(anchor.get().batchHash()) : Optional.empty();
        }
        return legacyBatchRoot(batchId);
    }

    /**
     * The batch's anchor as the chain has it (see {@link Anchor}), found by scanning the contract's BatchAnchored
     * events for the batch id ({@code eth_getLogs} from genesis, or in {@code block} only); empty when none anchors it.
     * Tools and tests use it; the API reads by the anchor's transaction ({@link #anchorIn}), which every node serves
     * at once (public nodes limit the block range of {@code eth_getLogs}).
     */
    public Optional<Anchor> anchor(UUID batchId, Long block) throws IOException {
        return call(() -> {
            var from = block == null ? DefaultBlockParameterName.EARLIEST : DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
            var to = block == null ? DefaultBlockParameterName.LATEST : DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
            EthFilter filter = new EthFilter(from, to, info.auditLedger());
            filter.addSingleTopic(EventEncoder.encode(AuditLedger.BATCHANCHORED_EVENT));
            filter.addSingleTopic("0x" + LedgerIds.hex(LedgerIds.batch(batchId)));
            var logs = web3j.ethGetLogs(filter).send();
            if (logs.hasError()) {
                throw new IOException("eth_getLogs: " + logs.getError().getMessage());
            }
            return logs.getLogs().isEmpty() ? Optional.<Anchor>empty()
                    : anchorIn(batchId, ((Log) logs.getLogs().get(0).get()).getTransactionHash());
        });
    }

    /**
     * The batch's anchor in one transaction: the receipt's BatchAnchored events (the anchor's leaves, in log order),
     * the RFC 6962 root over them, and whether the contract holds that root at the receipt's block. Empty when the
     * transaction is unknown to the node or anchors no such batch.
     */
    public Optional<Anchor> anchorIn(UUID batchId, String txHash) throws IOException {
        return call(() -> {
            Optional<TransactionReceipt> found = web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
            if (found.isEmpty() || !info.auditLedger().equalsIgnoreCase(found.get().getTo())) {
                return Optional.<Anchor>empty();
            }
            TransactionReceipt receipt = found.get();
            List<String> hashes = new java.util.ArrayList<>();
            int index = -1;
            byte[] id = LedgerIds.batch(batchId);
            for (var e : audit.getBatchAnchoredEvents(receipt)) {
                if (index < 0 && java.util.Arrays.equals(e.batchId, id)) {
                    index = hashes.size();
                }
                hashes.add(LedgerIds.hex(e.batchHash));
            }
            if (index < 0) {
                return Optional.<Anchor>empty();
            }
            byte[] root = MerkleTree.root(hashes.stream().map(LedgerIds::hash).toList());
            long mined = receipt.getBlockNumber().longValueExact();
            boolean held = audit.anchoredAt(root).send().longValueExact() == mined;
            return Optional.of(new Anchor(hashes.get(index), receipt.getTransactionHash(), mined, List.copyOf(hashes),
                    index, LedgerIds.hex(root), held));
        });
    }

    /** A batch anchored by the first AuditLedger (one storage slot per batch, {@code batchRoot(bytes32)}). */
    public Optional<String> legacyBatchRoot(UUID batchId) throws IOException {
        if (legacyAudit == null) {
            return Optional.empty();
        }
        var function = new org.web3j.abi.datatypes.Function("batchRoot",
                List.of(new org.web3j.abi.datatypes.generated.Bytes32(LedgerIds.batch(batchId))),
                List.of(new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.generated.Bytes32>() { }));
        var answer = call(() -> web3j.ethCall(org.web3j.protocol.core.methods.request.Transaction.createEthCallTransaction(
                null, legacyAudit, org.web3j.abi.FunctionEncoder.encode(function)), DefaultBlockParameterName.LATEST)
                .send());
        if (answer.hasError() || answer.isReverted() || answer.getValue() == null) {
            return Optional.empty();
        }
        var decoded = org.web3j.abi.FunctionReturnDecoder.decode(answer.getValue(), function.getOutputParameters());
        if (decoded.isEmpty()) {
            return Optional.empty();
        }
        byte[] root = (byte[]) decoded.get(0).getValue();
        return LedgerIds.isZero(root) ? Optional.empty() : Optional.of(LedgerIds.hex(root));
    }

    /** The highest opId either contract has applied. */
    public long lastOpId() throws IOException {
        return Math.max(call(() -> audit.lastOpId().send()).longValueExact(),
                call(() -> trust.lastOpId().send()).longValueExact());
    }

    public Optional<TransactionReceipt> receipt(String txHash) throws IOException {
        return web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
    }

    /** A transaction as the chain has it: status, block and its time, sender, contract, gas, event names. */
    public Optional<java.util.Map<String, Object>> transaction(String txHash) throws IOException {
        Optional<TransactionReceipt> found = receipt(txHash);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TransactionReceipt r = found.get();
        java.util.Map<String, String> topics = java.util.Map.of(
                EventEncoder.encode(AuditLedger.BATCHANCHORED_EVENT), "BatchAnchored",
                EventEncoder.encode(AuditLedger.ANCHORROOT_EVENT), "AnchorRoot",
                EventEncoder.encode(AuditLedger.INCIDENT_EVENT), "Incident",
                EventEncoder.encode(AuditLedger.INCIDENTCOUNTED_EVENT), "IncidentCounted",
                EventEncoder.encode(DeviceTrust.TRUSTCHANGED_EVENT), "TrustChanged");
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (org.web3j.protocol.core.methods.response.Log log : r.getLogs()) {
            String name = log.getTopics().isEmpty() ? "anonymous" : topics.getOrDefault(log.getTopics().get(0), "other");
            counts.merge(name, 1, Integer::sum);
        }
        var block = web3j.ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameter.valueOf(r.getBlockNumber()),
                false).send().getBlock();
        String to = r.getTo();
        java.util.Map<String, Object> tx = new java.util.LinkedHashMap<>();
        tx.put("tx_hash", r.getTransactionHash());
        tx.put("status", r.isStatusOK() ? "success" : "reverted");
        tx.put("block_number", r.getBlockNumber().longValueExact());
        tx.put("block_time", block == null ? null : block.getTimestamp().longValueExact() * 1000);
        tx.put("from", r.getFrom());
        tx.put("to", to);
        tx.put("contract", to == null ? null : to.equalsIgnoreCase(info.auditLedger()) ? "AuditLedger"
                : to.equalsIgnoreCase(info.deviceTrust()) ? "DeviceTrust" : null);
        tx.put("gas_used", r.getGasUsed().longValueExact());
        tx.put("events", counts.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey()).toList());
        tx.put("decoded", decoded(r));
        return Optional.of(tx);
    }

    /**
     * The transaction's events with their arguments, decoded by the generated wrappers: ids as the contract holds
     * them (a batch's UUID bytes; a device's keccak256 hash, {@code device_hash}), kinds as their index.
     */
    private List<java.util.Map<String, Object>> decoded(TransactionReceipt r) {
        List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        for (var e : audit.getBatchAnchoredEvents(r)) {
            java.nio.ByteBuffer id = java.nio.ByteBuffer.wrap(e.batchId);
            out.add(event("BatchAnchored", "batch_id", new java.util.UUID(id.getLong(), id.getLong()).toString(),
                    "batch_hash", LedgerIds.hex(e.batchHash), "log_count", e.logCount.longValueExact(),
                    "max_anomaly_score", e.maxAnomalyScore.longValueExact(), "timestamp", e.timestamp.longValueExact()));
        }
        for (var e : audit.getAnchorRootEvents(r)) {
            out.add(event("AnchorRoot", "root", LedgerIds.hex(e.root), "batch_count", e.batchCount.longValueExact(),
                    "op_id", e.opId.longValueExact()));
        }
        for (var e : audit.getIncidentEvents(r)) {
            out.add(event("Incident", "device_hash", LedgerIds.hex(e.deviceId), "kind", e.kind.intValueExact(),
                    "anomaly_score", e.anomalyScore.longValueExact(), "batch_hash", LedgerIds.hex(e.batchHash),
                    "timestamp", e.timestamp.longValueExact()));
        }
        for (var e : audit.getIncidentCountedEvents(r)) {
            out.add(event("IncidentCounted", "device_hash", LedgerIds.hex(e.deviceId), "kind", e.kind.intValueExact(),
                    "count", e.count.longValueExact(), "timestamp", e.timestamp.longValueExact()));
        }
        for (var e : trust.getTrustChangedEvents(r)) {
            out.add(event("TrustChanged", "device_hash", LedgerIds.hex(e.deviceId), "previous", e.previous.longValueExact(),
                    "current", e.current.longValueExact(), "delta", e.delta.longValueExact()));
        }
        return out;
    }

    private static java.util.Map<String, Object> event(String name, Object... args) {
        java.util.Map<String, Object> a = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            a.put((String) args[i], args[i + 1]);
        }
        java.util.Map<String, Object> e = new java.util.LinkedHashMap<>();
        e.put("event", name);
        e.put("args", a);
        return e;
    }

    public long blockNumber() throws IOException {
        return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    // ---- writes (the writer account; one caller at a time: the outbox drain) ----

    /** Anchors batches; {@code beforeSend} gets the transaction hash before it is sent. */
    public TransactionReceipt anchorBatches(long opId, List<byte[]> batchIds, List<byte[]> hashes, List<byte[]> gateways,
            List<BigInteger> timestamps, List<BigInteger> logCounts, List<BigInteger> maxScores,
            Consumer<String> beforeSend) throws Exception {
        return write(beforeSend, () -> audit.anchorBatches(BigInteger.valueOf(opId), batchIds, hashes, gateways,
                timestamps, logCounts, maxScores).send());
    }

    public TransactionReceipt recordIncidents(long opId, List<byte[]> devices, List<byte[]> gateways,
            List<BigInteger> timestamps, List<BigInteger> scores, List<byte[]> batchHashes, List<BigInteger> kinds,
            Consumer<String> beforeSend) throws Exception {
        return write(beforeSend, () -> audit.recordIncidents(BigInteger.valueOf(opId), devices, gateways, timestamps,
                scores, batchHashes, kinds).send());
    }

    /** The running count of aggregated incidents (PROTOCOL v1.1 §4), each named by device, kind and first time. */
    public TransactionReceipt countIncidents(long opId, List<byte[]> devices, List<BigInteger> kinds,
            List<BigInteger> timestamps, List<BigInteger> counts, Consumer<String> beforeSend) throws Exception {
        return write(beforeSend, () -> audit.countIncidents(BigInteger.valueOf(opId), devices, kinds, timestamps,
                counts).send());
    }

    public TransactionReceipt applyDeltas(long opId, List<byte[]> devices, List<BigInteger> deltas,
            Consumer<String> beforeSend) throws Exception {
        return write(beforeSend, () -> trust.applyDeltas(BigInteger.valueOf(opId), devices, deltas).send());
    }

    public List<DeviceTrust.TrustChangedEventResponse> trustChanges(TransactionReceipt receipt) {
        return trust.getTrustChangedEvents(receipt);
    }

    private synchronized TransactionReceipt write(Consumer<String> beforeSend, Call<TransactionReceipt> send) throws Exception {
        writerManager.beforeSend = beforeSend;
        try {
            return send.call();
        } finally {
            writerManager.beforeSend = null;
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T call(Call<T> call) throws IOException {
        try {
            return call.call();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    /** Signs locally and tells the caller the transaction hash before the node sees the transaction. */
    private static final class HashRecordingManager extends RawTransactionManager {
        private final Web3j web3j;
        volatile Consumer<String> beforeSend;

        HashRecordingManager(Web3j web3j, Credentials credentials, long chainId) {
            super(web3j, credentials, chainId, receipts(web3j));
            this.web3j = web3j;
        }

        @Override
        public EthSendTransaction signAndSend(RawTransaction rawTransaction) throws IOException {
            String signed = sign(rawTransaction);
            Consumer<String> listener = beforeSend;
            if (listener != null) {
                listener.accept(Hash.sha3(signed));
            }
            return web3j.ethSendRawTransaction(signed).send();
        }
    }

    /** The node's own gas price, asked per transaction (Ganache and public nodes differ by orders of magnitude). */
    private static final class NodeGasPrice implements ContractGasProvider {
        private final Web3j web3j;

        NodeGasPrice(Web3j web3j) {
            this.web3j = web3j;
        }

        @Override
        public BigInteger getGasPrice(String contractFunc) {
            return getGasPrice();
        }

        @Override
        public BigInteger getGasPrice() {
            try {
                return web3j.ethGasPrice().send().getGasPrice();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public BigInteger getGasLimit(String contractFunc) {
            return GAS_LIMIT;
        }

        @Override
        public BigInteger getGasLimit() {
            return GAS_LIMIT;
        }
    }
}
