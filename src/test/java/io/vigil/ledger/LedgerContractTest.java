package io.vigil.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.boot.Ports;
import io.vigil.crypto.MerkleTree;
import io.vigil.ledger.contracts.AuditLedger;
import io.vigil.ledger.contracts.DeviceTrust;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;

/** The contracts on a real Ganache dev chain: anchors, incidents, trust at its bounds, writer-only, threshold. */
class LedgerContractTest {

    @TempDir
    static Path dir;
    static DevChain chain;
    static Ledger ledger;
    static Web3j web3j;
    static long op = 1_000;

    @BeforeAll
    static void startChain() throws Exception {
        chain = DevChain.start(Path.of("contracts", "node_modules", ".bin", "ganache"), dir.resolve("ledger"),
                Ports.free(), Duration.ofSeconds(60));
        ledger = Ledger.connect(chain.url(), chain.writer(), chain.owner(), null, null, dir.resolve("ledger"), 50);
        web3j = Web3j.build(new HttpService(chain.url()));
    }

    @AfterAll
    static void stopChain() {
        if (web3j != null) {
            web3j.shutdown();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (chain != null) {
            chain.close();
        }
    }

    private static long nextOp() {
        return ++op;
    }

    private static List<BigInteger> big(long... values) {
        List<BigInteger> out = new ArrayList<>();
        for (long v : values) {
            out.add(BigInteger.valueOf(v));
        }
        return out;
    }

    private static AuditLedger auditAs(Credentials who) {
        return AuditLedger.load(ledger.info().auditLedger(), web3j, new RawTransactionManager(web3j, who, DevChain.CHAIN_ID),
                new StaticGasProvider(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(3_000_000)));
    }

    private static DeviceTrust trustAs(Credentials who) {
        return DeviceTrust.load(ledger.info().deviceTrust(), web3j, new RawTransactionManager(web3j, who, DevChain.CHAIN_ID),
                new StaticGasProvider(BigInteger.valueOf(2_000_000_000L), BigInteger.valueOf(3_000_000)));
    }

    private static TransactionReceipt anchor(UUID batchId, String hash) throws Exception {
        return ledger.anchorBatches(nextOp(), List.of(LedgerIds.batch(batchId)), List.of(LedgerIds.hash(hash)),
                List.of(LedgerIds.name("gw-test")), big(1_795_000_000_123L), big(100), big(250), h -> { });
    }

    @Test
    void anchorsBatchesUnderOneRootAndReadsEachBackByBatchId() throws Exception {
        UUID first = UUID.randomUUID();
        String root = "38ea503500f0aa8e3015b8abd7a899d0fd39f76b025a8508a9d624965455cd6e";
        assertThat(ledger.batchRoot(first)).isEmpty();

        TransactionReceipt receipt = anchor(first, root);

        assertThat(receipt.isStatusOK()).isTrue();
        assertThat(ledger.batchRoot(first)).contains(root);
        List<AuditLedger.BatchAnchoredEventResponse> events = auditAs(chain.writer()).getBatchAnchoredEvents(receipt);
        assertThat(events).hasSize(1);
        assertThat(LedgerIds.hex(events.get(0).batchHash)).isEqualTo(root);
        assertThat(events.get(0).logCount).isEqualTo(BigInteger.valueOf(100));
        assertThat(events.get(0).maxAnomalyScore).isEqualTo(BigInteger.valueOf(250));

        // Three batches in one transaction: one root over their hashes is held, each batch proves up to it.
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        List<String> hashes = List.of("a1".repeat(32), "b2".repeat(32), "c3".repeat(32));
        TransactionReceipt three = ledger.anchorBatches(nextOp(), ids.stream().map(LedgerIds::batch).toList(),
                hashes.stream().map(LedgerIds::hash).toList(), List.of(LedgerIds.name("gw-a"), LedgerIds.name("gw-b"),
                        LedgerIds.name("gw-a")), big(1, 2, 3), big(10, 20, 30), big(0, 9_000, 0), h -> { });
        byte[] expectedRoot = MerkleTree.root(hashes.stream().map(LedgerIds::hash).toList());
        List<AuditLedger.AnchorRootEventResponse> roots = auditAs(chain.writer()).getAnchorRootEvents(three);
        assertThat(roots).hasSize(1);
        assertThat(LedgerIds.hex(roots.get(0).root)).isEqualTo(LedgerIds.hex(expectedRoot));
        assertThat(auditAs(chain.writer()).anchoredAt(expectedRoot).send()).isEqualTo(three.getBlockNumber());
        for (int i = 0; i < 3; i++) {
            assertThat(ledger.batchRoot(ids.get(i), three.getBlockNumber().longValueExact())).contains(hashes.get(i));
            Ledger.Anchor anchor = ledger.anchor(ids.get(i), null).orElseThrow();
            assertThat(anchor.rootHeld()).isTrue();
            assertThat(anchor.anchorIndex()).isEqualTo(i);
            assertThat(anchor.anchorRoot()).isEqualTo(LedgerIds.hex(expectedRoot));
            assertThat(MerkleTree.rootFromAuditPath(LedgerIds.hash(hashes.get(i)), i, 3, anchor.anchorPath()))
                    .isEqualTo(LedgerIds.hex(expectedRoot));
        }

        // The API reads by the anchor's transaction: the right one proves the batch, another one does not.
        assertThat(ledger.anchorIn(ids.get(1), three.getTransactionHash()).orElseThrow().batchHash())
                .isEqualTo(hashes.get(1));
        assertThat(ledger.anchorIn(ids.get(1), receipt.getTransactionHash())).as("another anchor").isEmpty();
        TransactionReceipt trustTx = ledger.applyDeltas(nextOp(), List.of(LedgerIds.name("x")), big(1), h -> { });
        assertThat(ledger.anchorIn(ids.get(1), trustTx.getTransactionHash())).as("not an AuditLedger tx").isEmpty();
        assertThat(ledger.anchorIn(ids.get(1), "0x" + "ab".repeat(32))).as("no such tx").isEmpty();

        // A batch id anchored again counts by its first anchor.
        anchor(first, "99".repeat(32));
        assertThat(ledger.batchRoot(first)).contains(root);
        assertThatThrownBy(() -> ledger.anchorBatches(nextOp(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), h -> { })).isInstanceOf(TransactionException.class);
    }

    @Test
    void theContractsAnchorRootIsRfc6962sMerkleTreeHash() throws Exception {
        AuditLedger view = auditAs(chain.writer());
        for (int n = 1; n <= 17; n++) {
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                leaves.add(LedgerIds.hash(String.format("%064x", 7 * i + n)));
            }
            assertThat(LedgerIds.hex(view.rfc6962Root(leaves).send())).as("%d leaves", n)
                    .isEqualTo(MerkleTree.rootHex(leaves));
        }
    }

    @Test
    void aRetriedWriteWithTheSameOpIdIsANoOp() throws Exception {
        UUID batchId = UUID.randomUUID();
        long opId = nextOp();
        String root = "00".repeat(31) + "01";
        ledger.anchorBatches(opId, List.of(LedgerIds.batch(batchId)), List.of(LedgerIds.hash(root)),
                List.of(LedgerIds.name("gw-test")), big(1L), big(1), big(0), h -> { });
        TransactionReceipt again = ledger.anchorBatches(opId, List.of(LedgerIds.batch(batchId)),
                List.of(LedgerIds.hash(root)), List.of(LedgerIds.name("gw-test")), big(1L), big(1), big(0), h -> { });

        assertThat(again.isStatusOK()).isTrue();
        assertThat(auditAs(chain.writer()).getBatchAnchoredEvents(again)).isEmpty();
        assertThat(ledger.lastOpId()).isGreaterThanOrEqualTo(opId);
    }

    @Test
    void recordsIncidentsAsEventsWithTheirFields() throws Exception {
        long before = auditAs(chain.writer()).incidentCount().send().longValue();
        TransactionReceipt receipt = ledger.recordIncidents(nextOp(),
                List.of(LedgerIds.name("esp32-a"), LedgerIds.name("esp32-b")),
                List.of(LedgerIds.name("gw-test"), LedgerIds.name("gw-test")), big(10, 20), big(10_000, 9_100),
                List.of(new byte[32], LedgerIds.hash("ab".repeat(32))), big(2, 7), h -> { });

        List<AuditLedger.IncidentEventResponse> events = auditAs(chain.writer()).getIncidentEvents(receipt);
        assertThat(events).hasSize(2);
        assertThat(LedgerIds.hex(events.get(0).deviceId)).isEqualTo(LedgerIds.hex(LedgerIds.name("esp32-a")));
        assertThat(events.get(1).anomalyScore).isEqualTo(BigInteger.valueOf(9_100));
        assertThat(events.get(1).kind).isEqualTo(BigInteger.valueOf(7));
        assertThat(auditAs(chain.writer()).incidentCount().send().longValue()).isEqualTo(before + 2);
        System.out.println("gas: two incidents " + receipt.getGasUsed());

        assertThatThrownBy(() -> ledger.recordIncidents(nextOp(), List.of(LedgerIds.name("esp32-a")),
                List.of(LedgerIds.name("gw-test")), big(1), big(10_001), List.of(new byte[32]), big(1), h -> { }))
                .isInstanceOf(TransactionException.class);
    }

    @Test
    void trustStartsAt100AndIsClampedToZeroAndOneHundredInOrder() throws Exception {
        String device = "trust-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] id = LedgerIds.name(device);
        assertThat(ledger.trustOf(device)).isEqualTo(100);

        ledger.applyDeltas(nextOp(), List.of(id), big(1), h -> { });
        assertThat(ledger.trustOf(device)).as("+1 at 100 stays 100").isEqualTo(100);

        // In one transaction, in order: 100 -20 = 80, +1 = 81.
        TransactionReceipt both = ledger.applyDeltas(nextOp(), List.of(id, id), big(-20, 1), h -> { });
        assertThat(ledger.trustOf(device)).isEqualTo(81);
        List<DeviceTrust.TrustChangedEventResponse> changes = ledger.trustChanges(both);
        assertThat(changes).extracting(c -> c.current.intValue()).containsExactly(80, 81);

        ledger.applyDeltas(nextOp(), List.of(id, id, id, id, id), big(-20, -20, -20, -20, -20), h -> { });
        assertThat(ledger.trustOf(device)).as("clamped at 0").isZero();
        ledger.applyDeltas(nextOp(), List.of(id), big(1), h -> { });
        assertThat(ledger.trustOf(device)).isEqualTo(1);

        List<byte[]> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(LedgerIds.name(device + "-" + i));
        }
        TransactionReceipt batch = ledger.applyDeltas(nextOp(), ten, big(-20, -20, -20, -20, -20, 1, 1, 1, 1, 1), h -> { });
        System.out.println("gas: trust batch of 10 deltas " + batch.getGasUsed());
    }

    @Test
    void onlyTheWriterWritesAndOnlyTheOwnerRotatesIt() throws Exception {
        Credentials stranger = Credentials.create(Keys.createEcKeyPair());
        // The owner's account is funded; it is not the writer, so its writes are refused like a stranger's.
        assertThatThrownBy(() -> trustAs(chain.owner()).applyDeltas(BigInteger.valueOf(nextOp()),
                List.of(LedgerIds.name("esp32-x")), big(-20)).send()).isInstanceOf(TransactionException.class);
        assertThatThrownBy(() -> auditAs(chain.owner()).anchorBatches(BigInteger.valueOf(nextOp()),
                List.of(LedgerIds.batch(UUID.randomUUID())), List.of(LedgerIds.hash("11".repeat(32))),
                List.of(LedgerIds.name("gw")), big(1), big(1), big(0)).send()).isInstanceOf(TransactionException.class);
        assertThat(ledger.trustOf("esp32-x")).isEqualTo(100);

        // The writer cannot rotate itself; the owner can, and then the old writer is refused.
        assertThatThrownBy(() -> trustAs(chain.writer()).setWriter(stranger.getAddress()).send())
                .isInstanceOf(TransactionException.class);
        DeviceTrust asOwner = trustAs(chain.owner());
        asOwner.setWriter(chain.owner().getAddress()).send();
        try {
            assertThatThrownBy(() -> ledger.applyDeltas(nextOp(), List.of(LedgerIds.name("esp32-x")), big(-20), h -> { }))
                    .isInstanceOf(TransactionException.class);
            asOwner.applyDeltas(BigInteger.valueOf(nextOp()), List.of(LedgerIds.name("esp32-x")), big(-20)).send();
            assertThat(ledger.trustOf("esp32-x")).isEqualTo(80);
        } finally {
            asOwner.setWriter(chain.writer().getAddress()).send();
        }
    }

    @Test
    void commandsAreAllowedAtOrAboveTheOwnersThreshold() throws Exception {
        String device = "gate-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] id = LedgerIds.name(device);
        DeviceTrust view = trustAs(chain.writer());
        assertThat(ledger.commandThreshold()).isEqualTo(50);

        ledger.applyDeltas(nextOp(), List.of(id, id), big(-20, -20), h -> { }); // 60
        assertThat(view.commandAllowed(id).send()).isTrue();
        ledger.applyDeltas(nextOp(), List.of(id), big(-20), h -> { }); // 40
        assertThat(view.commandAllowed(id).send()).isFalse();

        DeviceTrust asOwner = trustAs(chain.owner());
        asOwner.setCommandThreshold(BigInteger.valueOf(40)).send();
        try {
            assertThat(view.commandAllowed(id).send()).as("40 >= 40").isTrue();
            assertThatThrownBy(() -> asOwner.setCommandThreshold(BigInteger.valueOf(101)).send())
                    .isInstanceOf(TransactionException.class);
            assertThatThrownBy(() -> view.setCommandThreshold(BigInteger.valueOf(10)).send())
                    .as("the writer is not the owner").isInstanceOf(TransactionException.class);
        } finally {
            asOwner.setCommandThreshold(BigInteger.valueOf(50)).send();
        }
    }

    /** Gas per item, as the marginal cost of nine more in one transaction; bounds keep the contracts gas-aware. */
    @Test
    void gasPerAnchorIncidentAndTrustDeltaStaysSmall() throws Exception {
        long anchor1 = anchors(1);
        long anchor10 = anchors(10);
        long incident1 = incidents(1);
        long incident10 = incidents(10);
        long penalty1 = deltas(1, -20);
        long penalty10 = deltas(10, -20);
        long reward10 = deltas(10, 1); // +1 at 100: clamped, an event and no storage write
        long perAnchor = (anchor10 - anchor1) / 9;
        long perIncident = (incident10 - incident1) / 9;
        long perPenalty = (penalty10 - penalty1) / 9;
        long anchor100 = anchors(100);
        System.out.printf("gas: anchor tx %d (1 batch), +%d per batch, %d for 100 batches; incident tx %d (1),"
                + " +%d per incident; trust tx %d (1 penalty), +%d per penalty, %d for 10 clamped rewards%n",
                anchor1, perAnchor, anchor100, incident1, perIncident, penalty1, perPenalty, reward10);
        assertThat(perAnchor).isLessThan(12_000);   // an event and two hashes, no storage slot (was 27,471)
        assertThat(anchor100).isLessThan(800_000);  // one root slot for the transaction
        assertThat(perIncident).isLessThan(8_000);  // an event, no storage
        assertThat(perPenalty).isLessThan(30_000);  // one storage slot and one event
        assertThat(anchor1).isLessThan(80_000);
    }

    private static long anchors(int n) throws Exception {
        List<byte[]> ids = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        List<byte[]> gateways = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(LedgerIds.batch(UUID.randomUUID()));
            hashes.add(LedgerIds.hash(String.format("%064x", i + 1)));
            gateways.add(LedgerIds.name("gw-test"));
        }
        long[] times = new long[n];
        long[] counts = new long[n];
        java.util.Arrays.fill(times, 1_795_000_000_000L);
        java.util.Arrays.fill(counts, 100);
        return ledger.anchorBatches(nextOp(), ids, hashes, gateways, big(times), big(counts), big(new long[n]), h -> { })
                .getGasUsed().longValue();
    }

    private static long incidents(int n) throws Exception {
        List<byte[]> devices = new ArrayList<>();
        List<byte[]> gateways = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        long[] times = new long[n];
        long[] scores = new long[n];
        long[] kinds = new long[n];
        for (int i = 0; i < n; i++) {
            devices.add(LedgerIds.name("gas-dev-" + i));
            gateways.add(LedgerIds.name("gw-test"));
            hashes.add(new byte[32]);
            times[i] = 1_795_000_000_000L;
            scores[i] = 10_000;
            kinds[i] = 2;
        }
        return ledger.recordIncidents(nextOp(), devices, gateways, big(times), big(scores), hashes, big(kinds), h -> { })
                .getGasUsed().longValue();
    }

    private static long deltas(int n, long delta) throws Exception {
        List<byte[]> devices = new ArrayList<>();
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            devices.add(LedgerIds.name("gas-" + UUID.randomUUID()));
            values[i] = delta;
        }
        return ledger.applyDeltas(nextOp(), devices, big(values), h -> { }).getGasUsed().longValue();
    }

    @Test
    void anAuditLedgerWithoutAnchorRootsIsReplacedWhenRememberedAndRefusedWhenConfigured() throws Exception {
        // A contract with code but no anchoredAt stands in for the first AuditLedger (a storage slot per batch).
        String old = ledger.info().deviceTrust();
        Path remembered = dir.resolve("first-version");
        java.nio.file.Files.createDirectories(remembered);
        java.nio.file.Files.writeString(remembered.resolve("contracts.properties"),
                "chain_id=" + DevChain.CHAIN_ID + "\naudit_ledger=" + old + "\ndevice_trust=" + old + "\n");

        try (Ledger l = Ledger.connect(chain.url(), chain.writer(), chain.owner(), null, null, remembered, 50)) {
            assertThat(l.info().auditLedger()).isNotEqualToIgnoringCase(old);
            UUID batchId = UUID.randomUUID();
            l.anchorBatches(nextOp(), List.of(LedgerIds.batch(batchId)), List.of(LedgerIds.hash("5a".repeat(32))),
                    List.of(LedgerIds.name("gw")), big(1), big(1), big(0), h -> { });
            assertThat(l.batchRoot(batchId)).contains("5a".repeat(32));
            assertThat(l.legacyBatchRoot(UUID.randomUUID())).isEmpty();
        }
        assertThat(java.nio.file.Files.readString(remembered.resolve("contracts.properties")))
                .contains("audit_ledger_v1=" + old);

        assertThatThrownBy(() -> Ledger.connect(chain.url(), chain.writer(), chain.owner(), old, null,
                dir.resolve("configured"), 50)).isInstanceOf(java.io.IOException.class).hasMessageContaining("first version");
    }

    @Test
    void aRestartedDevChainKeepsTheLedgerAndTheRememberedContracts() throws Exception {
        Path other = dir.resolve("restart");
        int port = Ports.free();
        UUID batchId = UUID.randomUUID();
        String root = "22".repeat(32);
        String address;
        try (DevChain first = DevChain.start(Path.of("contracts", "node_modules", ".bin", "ganache"), other, port,
                Duration.ofSeconds(60));
                Ledger l = Ledger.connect(first.url(), first.writer(), first.owner(), null, null, other, 50)) {
            address = l.info().auditLedger();
            l.anchorBatches(1, List.of(LedgerIds.batch(batchId)), List.of(LedgerIds.hash(root)),
                    List.of(LedgerIds.name("gw")), big(1), big(1), big(0), h -> { });
        }
        try (DevChain second = DevChain.start(Path.of("contracts", "node_modules", ".bin", "ganache"), other, port,
                Duration.ofSeconds(60));
                Ledger l = Ledger.connect(second.url(), second.writer(), second.owner(), null, null, other, 50)) {
            assertThat(l.info().auditLedger()).isEqualTo(address);
            assertThat(l.batchRoot(batchId)).contains(root);
            assertThat(l.lastOpId()).isEqualTo(1);
        }
    }
}
