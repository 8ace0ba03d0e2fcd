package io.vigil.e2e;

import io.vigil.crypto.MerkleTree;
import io.vigil.ledger.LedgerIds;
import io.vigil.ledger.contracts.AuditLedger;
import io.vigil.ledger.contracts.DeviceTrust;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

/** The chain read directly over JSON-RPC, as an auditor would: never through the application. */
final class Chain implements AutoCloseable {

    private final Web3j web3j;
    private final AuditLedger audit;
    private final DeviceTrust trust;
    private final String auditAddress;

    Chain(String rpcUrl, String auditAddress, String trustAddress) {
        web3j = Web3j.build(new HttpService(rpcUrl));
        ReadonlyTransactionManager readOnly = new ReadonlyTransactionManager(web3j, null);
        StaticGasProvider noGas = new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO);
        audit = AuditLedger.load(auditAddress, web3j, readOnly, noGas);
        trust = DeviceTrust.load(trustAddress, web3j, readOnly, noGas);
        this.auditAddress = auditAddress;
    }

    /**
     * The hash anchored for a batch: its first BatchAnchored event, counted only when the contract holds the RFC 6962
     * root over that transaction's anchored batch hashes (in event order) at the transaction's block.
     */
    Optional<String> batchRoot(String batchId) throws Exception {
        EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, auditAddress);
        filter.addSingleTopic(EventEncoder.encode(AuditLedger.BATCHANCHORED_EVENT));
        filter.addSingleTopic("0x" + LedgerIds.hex(LedgerIds.batch(UUID.fromString(batchId))));
        List<EthLog.LogResult> found = web3j.ethGetLogs(filter).send().getLogs();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Log first = (Log) found.get(0).get();
        var receipt = web3j.ethGetTransactionReceipt(first.getTransactionHash()).send().getTransactionReceipt().orElseThrow();
        List<byte[]> leaves = audit.getBatchAnchoredEvents(receipt).stream().map(e -> e.batchHash).toList();
        boolean held = audit.anchoredAt(MerkleTree.root(leaves)).send().equals(receipt.getBlockNumber());
        return held ? Optional.of(org.web3j.utils.Numeric.cleanHexPrefix(first.getTopics().get(2))) : Optional.empty();
    }

    /** The block the contract's storage says an anchor root was anchored in; 0 when it holds no such root. */
    long anchoredAt(String anchorRoot) throws Exception {
        return audit.anchoredAt(LedgerIds.hash(anchorRoot)).send().longValueExact();
    }

    int trustOf(String deviceId) throws Exception {
        return trust.trustOf(LedgerIds.name(deviceId)).send().intValueExact();
    }

    /** Incident kinds (the contract's uint8) recorded for a device, in chain order. */
    List<Integer> incidentKinds(String deviceId) throws Exception {
        EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, auditAddress);
        filter.addSingleTopic(EventEncoder.encode(AuditLedger.INCIDENT_EVENT));
        filter.addSingleTopic("0x" + LedgerIds.hex(LedgerIds.name(deviceId)));
        List<Integer> kinds = new ArrayList<>();
        for (EthLog.LogResult<?> result : web3j.ethGetLogs(filter).send().getLogs()) {
            // Non-indexed data: timestamp, anomalyScore, kind — one 32-byte word each.
            String data = org.web3j.utils.Numeric.cleanHexPrefix(((Log) result.get()).getData());
            kinds.add(new BigInteger(data.substring(128, 192), 16).intValueExact());
        }
        return kinds;
    }

    @Override
    public void close() {
        web3j.shutdown();
    }

    /** The counts of a device's aggregated incidents (IncidentCounted events: kind, count), in chain order. */
    List<int[]> incidentCounts(String deviceId) throws Exception {
        EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, auditAddress);
        filter.addSingleTopic(EventEncoder.encode(AuditLedger.INCIDENTCOUNTED_EVENT));
        filter.addSingleTopic("0x" + LedgerIds.hex(LedgerIds.name(deviceId)));
        List<int[]> counts = new ArrayList<>();
        for (EthLog.LogResult<?> result : web3j.ethGetLogs(filter).send().getLogs()) {
            Log log = (Log) result.get();
            // kind is indexed (topic 2); data: timestamp, count.
            int kind = new BigInteger(org.web3j.utils.Numeric.cleanHexPrefix(log.getTopics().get(2)), 16).intValueExact();
            String data = org.web3j.utils.Numeric.cleanHexPrefix(log.getData());
            counts.add(new int[] {kind, new BigInteger(data.substring(64, 128), 16).intValueExact()});
        }
        return counts;
    }
}
