package io.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.crypto.MerkleTree;
import io.vigil.ledger.contracts.AuditLedger;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.utils.Numeric;

/**
 * {@code vigil audit}: checks a JSONL export against the chain without trusting the server. Every log's
 * signature is verified with the device keys the user provisioned, every batch's RFC 6962 root is rebuilt
 * from its logs and compared with the hash the AuditLedger contract anchored for that batch id, whose
 * transaction's anchor root the contract must hold. One verdict
 * per batch; exit code 0 only if every batch verifies.
 */
public final class AuditCommand {

    private AuditCommand() {
    }

    public static int main(String[] argv) throws IOException {
        Args args = new Args(argv);
        if (args.has("help") || !args.has("export") || !args.has("rpc") || !args.has("ledger") || !args.has("devices")) {
            System.err.println("usage: vigil audit --export <file.jsonl | folder> --devices <device_id,public_key file>\n"
                    + "                   --rpc <JSON-RPC URL> --ledger <AuditLedger address>\n"
                    + "  Re-verifies every log's Ed25519 signature and every batch root against the chain.");
            return args.has("help") ? 0 : 2;
        }
        Map<String, Ed25519.VerifyKey> keys = readKeys(Path.of(args.get("devices", "")));
        Map<UUID, TreeMap<Integer, JsonNode>> batches = readExport(Path.of(args.get("export", "")));
        Web3j web3j = Web3j.build(new HttpService(args.get("rpc", "")));
        try {
            AuditLedger ledger = AuditLedger.load(args.get("ledger", ""), web3j,
                    new ReadonlyTransactionManager(web3j, null), new StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
            return audit(batches, keys, anchored(web3j, ledger, args.get("ledger", "")), System.out);
        } finally {
            web3j.shutdown();
        }
    }

    /** Blocks per eth_getLogs call (public nodes limit the range, some to 2,000). */
    static final long LOG_RANGE = 2_000;

    /** A batch as the chain anchors it: the hash of its first BatchAnchored event, and whether storage holds its root. */
    record Anchored(String batchHash, boolean rootHeld) {
    }

    static int audit(Map<UUID, TreeMap<Integer, JsonNode>> batches, Map<String, Ed25519.VerifyKey> keys,
            Map<UUID, Anchored> anchored, PrintStream out) {
        out.printf("%-36s %5s %8s  %-16s %-16s %s%n", "batch_id", "logs", "sigs_ok", "recomputed", "on-chain", "verdict");
        int verified = 0;
        int failed = 0;
        for (Map.Entry<UUID, TreeMap<Integer, JsonNode>> batch : batches.entrySet()) {
            TreeMap<Integer, JsonNode> logs = batch.getValue();
            int sigsOk = 0;
            List<byte[]> leaves = new ArrayList<>();
            for (JsonNode log : logs.values()) {
                leaves.add(CanonicalJson.bytes(log));
                Ed25519.VerifyKey key = keys.get(log.path("device_id").asText());
                if (key != null && log.path("sig").isTextual()
                        && key.verify(CanonicalJson.bytesWithout((ObjectNode) log, "sig"), log.get("sig").asText())) {
                    sigsOk++;
                }
            }
            boolean complete = logs.firstKey() == 0 && logs.lastKey() == logs.size() - 1;
            String recomputed = MerkleTree.rootHex(leaves);
            Anchored anchor = anchored.get(batch.getKey());
            String onchain = anchor == null ? null : anchor.batchHash();
            String verdict;
            if (!complete) {
                verdict = "INCOMPLETE (leaf indexes are not 0.." + (logs.size() - 1) + ")";
            } else if (sigsOk != logs.size()) {
                verdict = "BAD_SIGNATURE (" + (logs.size() - sigsOk) + " logs)";
            } else if (onchain == null) {
                verdict = "NOT_ANCHORED";
            } else if (!anchor.rootHeld()) {
                verdict = "ROOT_NOT_HELD (the contract holds no anchor root over this batch's transaction)";
            } else if (!onchain.equals(recomputed)) {
                verdict = "ROOT_MISMATCH";
            } else {
                verdict = "VERIFIED";
            }
            if (verdict.equals("VERIFIED")) {
                verified++;
            } else {
                failed++;
            }
            out.printf("%-36s %5d %8d  %-16s %-16s %s%n", batch.getKey(), logs.size(), sigsOk, recomputed.substring(0, 16),
                    onchain == null ? "-" : onchain.substring(0, 16), verdict);
        }
        Set<UUID> missing = new LinkedHashSet<>(anchored.keySet());
        missing.removeAll(batches.keySet());
        out.printf("%d batches: %d verified, %d not verified; %d anchored batches are not in this export%n",
                batches.size(), verified, failed, missing.size());
        return failed == 0 && !batches.isEmpty() ? 0 : 1;
    }

    /**
     * Every batch the contract anchors (BatchAnchored events; the first event of a batch id counts). A transaction's
     * events in log order are its anchor's leaves: their RFC 6962 root must be held by {@code anchoredAt} at the
     * transaction's block.
     */
    static Map<UUID, Anchored> anchored(Web3j web3j, AuditLedger ledger, String address) throws IOException {
        Map<String, List<EthLog.LogObject>> byTx = new java.util.LinkedHashMap<>();
        long latest = web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
        // In ranges of LOG_RANGE blocks: public nodes refuse eth_getLogs over longer ones.
        for (long from = 0; from <= latest; from += LOG_RANGE) {
            EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(Math.min(latest, from + LOG_RANGE - 1))), address);
            filter.addSingleTopic(EventEncoder.encode(AuditLedger.BATCHANCHORED_EVENT));
            EthLog found = web3j.ethGetLogs(filter).send();
            if (found.hasError()) {
                throw new IOException("cannot read the chain's BatchAnchored events: " + found.getError().getMessage());
            }
            for (EthLog.LogResult<?> result : found.getLogs()) {
                EthLog.LogObject log = (EthLog.LogObject) result.get();
                byTx.computeIfAbsent(log.getTransactionHash(), k -> new ArrayList<>()).add(log);
            }
        }
        Map<UUID, Anchored> anchored = new java.util.LinkedHashMap<>();
        for (List<EthLog.LogObject> logs : byTx.values()) {
            List<byte[]> hashes = logs.stream().map(l -> Numeric.hexStringToByteArray(l.getTopics().get(2))).toList();
            boolean held;
            try {
                held = ledger.anchoredAt(MerkleTree.root(hashes)).send().equals(logs.get(0).getBlockNumber());
            } catch (Exception e) {
                throw new IOException("cannot read the chain: " + e.getMessage(), e);
            }
            for (EthLog.LogObject log : logs) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Numeric.hexStringToByteArray(log.getTopics().get(1)));
                anchored.putIfAbsent(new UUID(b.getLong(), b.getLong()),
                        new Anchored(Numeric.cleanHexPrefix(log.getTopics().get(2)), held));
            }
        }
        return anchored;
    }

    static Map<String, Ed25519.VerifyKey> readKeys(Path file) throws IOException {
        Map<String, Ed25519.VerifyKey> keys = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split(",");
            if (parts.length != 2) {
                throw new IllegalArgumentException(file + ": expected device_id,public_key, got '" + t + "'");
            }
            keys.put(parts[0].trim(), Ed25519.VerifyKey.of(parts[1].trim()));
        }
        return keys;
    }

    /** Logs of every export line, by batch and leaf index. */
    static Map<UUID, TreeMap<Integer, JsonNode>> readExport(Path export) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(export)) {
            try (Stream<Path> list = Files.list(export)) {
                list.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
            }
        } else {
            files.add(export);
        }
        Map<UUID, TreeMap<Integer, JsonNode>> batches = new java.util.LinkedHashMap<>();
        for (Path file : files) {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode entry = CanonicalJson.parse(line);
                if (!entry.path("log").isObject() || !entry.path("batch_id").isTextual() || !entry.path("leaf_index").isInt()) {
                    throw new IOException(file + ":" + lineNo + ": not a Vigil export line");
                }
                batches.computeIfAbsent(UUID.fromString(entry.get("batch_id").asText()), k -> new TreeMap<>())
                        .put(entry.get("leaf_index").asInt(), entry.get("log"));
            }
        }
        return batches;
    }
}
