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
/// UUID's 16 bytes left-aligned (batch). Only the batch root is kept in storage (verification reads it);
/// everything else is in events.
contract AuditLedger is ServerWritable {
    /// batch id => RFC 6962 root of the batch
    mapping(bytes32 => bytes32) public batchRoot;
    uint64 public incidentCount;

    event BatchAnchored(bytes32 indexed batchId, bytes32 indexed batchHash, bytes32 indexed gatewayId,
        uint64 timestamp, uint32 logCount, uint16 maxAnomalyScore);
    event Incident(bytes32 indexed deviceId, bytes32 indexed batchHash, bytes32 indexed gatewayId,
        uint64 timestamp, uint16 anomalyScore, uint8 kind);
    /// PROTOCOL v1.1 §4: incidents of one device and kind within 60 s are one incident with a count. The incident
    /// is the Incident event with this device, kind and timestamp; this event gives its count so far.
    event IncidentCounted(bytes32 indexed deviceId, uint8 indexed kind, uint64 timestamp, uint32 count);

    error AlreadyAnchored(bytes32 batchId);
    error ScoreOutOfRange(uint16 score);

    constructor(address writer_) ServerWritable(writer_) {}

    function anchorBatches(uint64 opId, bytes32[] calldata batchIds, bytes32[] calldata batchHashes,
        bytes32[] calldata gatewayIds, uint64[] calldata timestamps, uint32[] calldata logCounts,
        uint16[] calldata maxScores) external {
        uint256 n = batchIds.length;
        if (batchHashes.length != n || gatewayIds.length != n || timestamps.length != n
            || logCounts.length != n || maxScores.length != n) revert LengthMismatch();
        if (!_fresh(opId)) return;
        for (uint256 i = 0; i < n; i++) {
            if (batchRoot[batchIds[i]] != bytes32(0)) revert AlreadyAnchored(batchIds[i]);
            if (maxScores[i] > 10000) revert ScoreOutOfRange(maxScores[i]);
            batchRoot[batchIds[i]] = batchHashes[i];
            emit BatchAnchored(batchIds[i], batchHashes[i], gatewayIds[i], timestamps[i], logCounts[i], maxScores[i]);
        }
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
