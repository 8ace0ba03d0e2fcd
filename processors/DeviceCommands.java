package io.vigil.processors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.crypto.CanonicalJson;
import io.vigil.crypto.Ed25519;
import io.vigil.db.Tx;
import io.vigil.ledger.Ledger;
import io.vigil.ledger.LedgerConnector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Trust-gated commands (PROTOCOL §2): the device's on-chain trust and the contract's threshold are read at
 * decision time; at or above the threshold a command signed with the server's key is handed to the
 * publish step (iot/cmd/{id}, QoS 1), below it the answer is 403 with score and threshold. Every decision
 * is stored with the trust it was based on.
 */
public class DeviceCommands {

    private static final Pattern ACTION = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");
    private static final int MAX_PARAMS_CHARS = 4096;

    /** An allowed command, ready to publish. */
    public record Decision(String commandId, String deviceId, String topic, String message, int trustScore,
            int threshold) {
    }

    private final DataSource dataSource;
    private final DeviceRegistry devices;
    private final LedgerConnector ledger;
    private final Ed25519PrivateKeyParameters key;
    private final String topicPrefix;

    public DeviceCommands(DataSource dataSource, DeviceRegistry devices, LedgerConnector ledger,
            Ed25519PrivateKeyParameters key, String topicPrefix) {
        this.dataSource = dataSource;
        this.devices = devices;
        this.ledger = ledger;
        this.key = key;
        this.topicPrefix = topicPrefix;
    }

    /** The public key devices verify commands with (base64url, raw 32 bytes). */
    public String publicKey() {
        return Ed25519.encode(key.generatePublicKey());
    }

    public Decision decide(String deviceId, byte[] body, long now) {
        if (deviceId == null || !DeviceRegistry.DEVICE_ID.matcher(deviceId).matches() || devices.key(deviceId).isEmpty()) {
            throw new NotFoundException("no device " + (deviceId == null ? "null" : deviceId.replaceAll("\\p{Cntrl}", "?")), null);
        }
        JsonNode request;
        try {
            request = CanonicalJson.parse(body == null ? new byte[0] : body);
        } catch (IOException e) {
            request = null;
        }
        if (request == null || !request.isObject()) {
            throw new BadRequestException("body must be JSON {\"action\", \"params\"}", null);
        }
        String action = request.path("action").isTextual() ? request.get("action").asText() : null;
        if (action == null || !ACTION.matcher(action).matches()) {
            throw new BadRequestException("action must match " + ACTION.pattern(), null);
        }
        JsonNode params = request.has("params") ? request.get("params") : CanonicalJson.STRICT.createObjectNode();
        if (!params.isObject()) {
            throw new BadRequestException("params must be a JSON object", null);
        }
        String paramsJson = new String(CanonicalJson.bytes(params), StandardCharsets.UTF_8);
        if (paramsJson.length() > MAX_PARAMS_CHARS) {
            throw new BadRequestException("params are larger than " + MAX_PARAMS_CHARS + " characters", null);
        }
        Ledger chain = ledger.require();
        int trust;
        int threshold;
        try {
            trust = chain.trustOf(deviceId);
            threshold = chain.commandThreshold();
        } catch (IOException e) {
            throw new UnavailableException("cannot read the device's trust from the ledger", String.valueOf(e.getMessage()));
        }
        String commandId = UUID.randomUUID().toString();
        if (trust < threshold) {
            store(commandId, deviceId, action, paramsJson, now, "refused", trust, threshold, null);
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("command_id", commandId);
            detail.put("device_id", deviceId);
            detail.put("trust_score", trust);
            detail.put("threshold", threshold);
            throw new ForbiddenException("device trust is below the command threshold", detail);
        }
        ObjectNode command = CanonicalJson.STRICT.createObjectNode();
        command.put("command_id", commandId);
        command.put("device_id", deviceId);
        command.put("action", action);
        command.set("params", params);
        command.put("issued_at", now);
        String sig = Ed25519.sign(key, CanonicalJson.bytes(command));
        command.put("sig", sig);
        store(commandId, deviceId, action, paramsJson, now, "allowed", trust, threshold, sig);
        return new Decision(commandId, deviceId, topicPrefix + deviceId,
                new String(CanonicalJson.bytes(command), StandardCharsets.UTF_8), trust, threshold);
    }

    /** After the broker took the command (QoS 1): recorded as published; the 202 answer. */
    public Map<String, Object> published(Decision decision) {
        Tx.inTransaction(dataSource, c -> Tx.update(c, "update device_commands set decision = 'published'"
                + " where command_id = ?", UUID.fromString(decision.commandId())));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("command_id", decision.commandId());
        answer.put("decision", "published");
        answer.put("topic", decision.topic());
        answer.put("trust_score", decision.trustScore());
        answer.put("threshold", decision.threshold());
        return answer;
    }

    private void store(String commandId, String deviceId, String action, String params, long now, String decision,
            int trust, int threshold, String sig) {
        Tx.inTransaction(dataSource, c -> Tx.update(c, "insert into device_commands (command_id, device_id, action,"
                + " params, issued_at, decision, trust_score, threshold, sig) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                UUID.fromString(commandId), deviceId, action, params, now, decision, trust, threshold, sig));
    }
}
