// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// Write access shared by both contracts: the owner (deployer) names the one writer account of the
/// Vigil server and can rotate it. Every write carries the server's outbox id (`opId`): a write whose
/// opId is not above the last applied one is a no-op, so a retried transaction is never applied twice.
abstract contract ServerWritable {
    address public owner;
    address public writer;
    uint64 public lastOpId;

    event WriterChanged(address indexed previous, address indexed current);

    error NotOwner();
    error NotWriter();
    error LengthMismatch();

    constructor(address writer_) {
        owner = msg.sender;
        writer = writer_;
        emit WriterChanged(address(0), writer_);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner();
        _;
    }

    /// Checks the caller and consumes opId; false means the write was applied before.
    function _fresh(uint64 opId) internal returns (bool) {
        if (msg.sender != writer) revert NotWriter();
        if (opId <= lastOpId) return false;
        lastOpId = opId;
        return true;
    }

    function setWriter(address writer_) external onlyOwner {
        emit WriterChanged(writer, writer_);
        writer = writer_;
    }
}

/// Batch anchors and incidents (PROTOCOL §4). Ids are keccak256 of the UTF-8 id (device, gateway) or the
/// UUID's 16 bytes left-aligned (batch). A transaction anchors many batches under one root: each batch is a
/// BatchAnchored event, and storage keeps only the RFC 6962 root over the transaction's batch hashes (in event
/// order; leaf = SHA-256(0x00 ‖ batchHash), node = SHA-256(0x01 ‖ left ‖ right)), mapped to its block. So a batch
/// costs an event and no storage slot, and a verifier proves a batch with its transaction's events, or with an
/// audit path to a root that `anchoredAt` holds. A batch id anchored twice counts by its first event.
contract AuditLedger is ServerWritable {
    /// anchor root (RFC 6962 root over one transaction's batch hashes) => block number it was anchored in
    mapping(bytes32 => uint256) public anchoredAt;
    uint64 public incidentCount;

    event BatchAnchored(bytes32 indexed batchId, bytes32 indexed batchHash, bytes32 indexed gatewayId,
        uint64 timestamp, uint32 logCount, uint16 maxAnomalyScore);
    /// One per anchoring transaction, after its BatchAnchored events: the root over their batch hashes.
    event AnchorRoot(bytes32 indexed root, uint64 indexed opId, uint32 batchCount);
    event Incident(bytes32 indexed deviceId, bytes32 indexed batchHash, bytes32 indexed gatewayId,
        uint64 timestamp, uint16 anomalyScore, uint8 kind);
    /// PROTOCOL v1.1 §4: incidents of one device and kind within 60 s are one incident with a count. The incident
    /// is the Incident event with this device, kind and timestamp; this event gives its count so far.
    event IncidentCounted(bytes32 indexed deviceId, uint8 indexed kind, uint64 timestamp, uint32 count);

    error NothingToAnchor();
    error ScoreOutOfRange(uint16 score);

    constructor(address writer_) ServerWritable(writer_) {}

    function anchorBatches(uint64 opId, bytes32[] calldata batchIds, bytes32[] calldata batchHashes,
        bytes32[] calldata gatewayIds, uint64[] calldata timestamps, uint32[] calldata logCounts,
        uint16[] calldata maxScores) external {
        uint256 n = batchIds.length;
        if (batchHashes.length != n || gatewayIds.length != n || timestamps.length != n
            || logCounts.length != n || maxScores.length != n) revert LengthMismatch();
        if (n == 0) revert NothingToAnchor();
        if (!_fresh(opId)) return;
        for (uint256 i = 0; i < n; i++) {
            if (maxScores[i] > 10000) revert ScoreOutOfRange(maxScores[i]);
            emit BatchAnchored(batchIds[i], batchHashes[i], gatewayIds[i], timestamps[i], logCounts[i], maxScores[i]);
        }
        bytes32 root = rfc6962Root(batchHashes);
        if (anchoredAt[root] == 0) {
            anchoredAt[root] = block.number;
        }
        emit AnchorRoot(root, opId, uint32(n));
    }

    /// RFC 6962 Merkle Tree Hash over 32-byte leaves: pairs bottom-up, a lone last node moves up unchanged.
    function rfc6962Root(bytes32[] calldata leaves) public pure returns (bytes32) {
        uint256 n = leaves.length;
        if (n == 0) return sha256("");
        bytes32[] memory level = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) {
            level[i] = sha256(abi.encodePacked(bytes1(0x00), leaves[i]));
        }
        while (n > 1) {
            uint256 m = 0;
            for (uint256 i = 0; i + 1 < n; i += 2) {
                level[m++] = sha256(abi.encodePacked(bytes1(0x01), level[i], level[i + 1]));
            }
            if (n % 2 == 1) {
                level[m++] = level[n - 1];
            }
            n = m;
        }
        return level[0];
    }

    function recordIncidents(uint64 opId, bytes32[] calldata deviceIds, bytes32[] calldata gatewayIds,
        uint64[] calldata timestamps, uint16[] calldata scores, bytes32[] calldata batchHashes,
        uint8[] calldata kinds) external {
        uint256 n = deviceIds.length;
        if (gatewayIds.length != n || timestamps.length != n || scores.length != n
            || batchHashes.length != n || kinds.length != n) revert LengthMismatch();
        if (!_fresh(opId)) return;
        for (uint256 i = 0; i < n; i++) {
            if (scores[i] > 10000) revert ScoreOutOfRange(scores[i]);
            emit Incident(deviceIds[i], batchHashes[i], gatewayIds[i], timestamps[i], scores[i], kinds[i]);
        }
        incidentCount += uint64(n);
    }

    function countIncidents(uint64 opId, bytes32[] calldata deviceIds, uint8[] calldata kinds,
        uint64[] calldata timestamps, uint32[] calldata counts) external {
        uint256 n = deviceIds.length;
        if (kinds.length != n || timestamps.length != n || counts.length != n) revert LengthMismatch();
        if (!_fresh(opId)) return;
        for (uint256 i = 0; i < n; i++) {
            emit IncidentCounted(deviceIds[i], kinds[i], timestamps[i], counts[i]);
        }
    }
}

/// Device trust (PROTOCOL §4): starts at 100, clamped to 0..100, changed by the server's deltas
/// (−20 per security alert, +1 per valid heartbeat), applied in order. Commands are allowed at or above
/// the owner's threshold.
contract DeviceTrust is ServerWritable {
    uint8 public constant MAX_TRUST = 100;
    /// 100 − trust, so that a device never seen has trust 100 without a write.
    mapping(bytes32 => uint8) private deficit;
    uint8 public commandThreshold;

    event TrustChanged(bytes32 indexed deviceId, uint8 previous, uint8 current, int16 delta);
    event ThresholdChanged(uint8 previous, uint8 current);

    error ThresholdOutOfRange(uint8 threshold);

    constructor(address writer_, uint8 threshold_) ServerWritable(writer_) {
        if (threshold_ > MAX_TRUST) revert ThresholdOutOfRange(threshold_);
        commandThreshold = threshold_;
        emit ThresholdChanged(0, threshold_);
    }

    function trustOf(bytes32 deviceId) public view returns (uint8) {
        return MAX_TRUST - deficit[deviceId];
    }

    function commandAllowed(bytes32 deviceId) external view returns (bool) {
        return trustOf(deviceId) >= commandThreshold;
    }

    function setCommandThreshold(uint8 threshold_) external onlyOwner {
        if (threshold_ > MAX_TRUST) revert ThresholdOutOfRange(threshold_);
        emit ThresholdChanged(commandThreshold, threshold_);
        commandThreshold = threshold_;
    }

    function applyDeltas(uint64 opId, bytes32[] calldata deviceIds, int16[] calldata deltas) external {
        uint256 n = deviceIds.length;
        if (deltas.length != n) revert LengthMismatch();
        if (!_fresh(opId)) return;
        for (uint256 i = 0; i < n; i++) {
            int256 before = int256(uint256(MAX_TRUST - deficit[deviceIds[i]]));
            int256 next = before + deltas[i];
            if (next < 0) next = 0;
            if (next > int256(uint256(MAX_TRUST))) next = int256(uint256(MAX_TRUST));
            if (next != before) {
                deficit[deviceIds[i]] = MAX_TRUST - uint8(uint256(next));
            }
            emit TrustChanged(deviceIds[i], uint8(uint256(before)), uint8(uint256(next)), deltas[i]);
        }
    }
}
