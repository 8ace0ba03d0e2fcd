package io.vigil.processors;

import io.vigil.crypto.CanonicalJson;
import io.vigil.db.Tx;
import java.io.IOException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Alert triage: an operator acknowledges, resolves or reopens an alert. The state is kept per alert
 * ({@code alert_states}) and every action in the audit trail ({@code alert_actions}) with the token's role, the name
 * given and the time; each change is sent to every open console over the WebSocket.
 */
public class AlertTriage {

    private static final Map<String, String> ACTIONS = Map.of("acknowledge", "acknowledged", "resolve", "resolved",
            "reopen", "open");
    private static final Pattern ACTOR = Pattern.compile("^[\\p{L}\\p{N} ._@-]{1,64}$");

    private final DataSource dataSource;
    private final EventStream events;

    public AlertTriage(DataSource dataSource, EventStream events) {
        this.dataSource = dataSource;
        this.events = events;
    }

    /**
     * POST /alerts/{id}/actions {"action": acknowledge|resolve|reopen, "by": name, "note": text}: the alert's new
     * state, kept with the caller's role, the name given and the time in the audit trail. 409 when it is already so.
     */
    public Map<String, Object> act(String alertId, byte[] json, String role, long now) {
        AlertQueries.Ref ref = AlertQueries.ref(alertId);
        Map<String, Object> body;
        try {
            com.fasterxml.jackson.databind.JsonNode node = CanonicalJson.parse(json == null ? new byte[0] : json);
            if (node == null || !node.isObject()) {
                throw new IOException("not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = CanonicalJson.STRICT.convertValue(node, Map.class);
            body = map;
        } catch (IOException e) {
            throw new BadRequestException("the request body must be JSON {\"action\", \"by\", \"note\"}", null);
        }
        Object action = body.get("action");
        String state = action instanceof String a ? ACTIONS.get(a) : null;
        if (state == null) {
            throw new BadRequestException("action must be one of acknowledge, resolve, reopen", action);
        }
        String actor = body.get("by") == null ? role : String.valueOf(body.get("by")).strip();
        if (!ACTOR.matcher(actor).matches()) {
            throw new BadRequestException("by must be 1 to 64 letters, digits, spaces or . _ @ -", null);
        }
        Object note = body.get("note");
        if (note != null && (!(note instanceof String text) || text.length() > 500)) {
            throw new BadRequestException("note must be text of at most 500 characters", null);
        }
        for (String key : body.keySet()) {
            if (!Set.of("action", "by", "note").contains(key)) {
                throw new BadRequestException("unknown field " + ApiParams.printable(key), null);
            }
        }
        Map<String, Object> result = Tx.inTransaction(dataSource, c -> {
            boolean exists = !Tx.rows(c, "security".equals(ref.source())
                    ? "select id from security_events where id = ? and incident_of is null"
                    : "select id from ml_alerts where id = ? and raised", ref.id()).isEmpty();
            if (!exists) {
                throw new NotFoundException("no alert " + alertId, null);
            }
            List<Map<String, Object>> current = Tx.rows(c, "select state from alert_states where source = ? and ref_id = ?"
                    + " for update", ref.source(), ref.id());
            String was = current.isEmpty() ? "open" : (String) current.get(0).get("state");
            if (was.equals(state)) {
                throw new ConflictException("alert " + alertId + " is already " + state, Map.of("state", was));
            }
            if (current.isEmpty()) {
                try {
                    Tx.update(c, "insert into alert_states (source, ref_id, state, updated_at, updated_by, role)"
                            + " values (?, ?, ?, ?, ?, ?)", ref.source(), ref.id(), state, now, actor, role);
                } catch (SQLException e) {
                    if (Tx.isUniqueViolation(e)) {
                        throw new ConflictException("alert " + alertId + " was changed by someone else just now", null);
                    }
                    throw e;
                }
            } else {
                Tx.update(c, "update alert_states set state = ?, updated_at = ?, updated_by = ?, role = ?"
                        + " where source = ? and ref_id = ?", state, now, actor, role, ref.source(), ref.id());
            }
            Tx.update(c, "insert into alert_actions (source, ref_id, action, state, actor, role, note, at)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?)", ref.source(), ref.id(), action, state, actor, role, note, now);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", alertId);
            r.put("state", state);
            r.put("previous_state", was);
            r.put("state_by", actor);
            r.put("state_role", role);
            r.put("state_at", now);
            r.put("actions", AlertQueries.actions(c, ref));
            return r;
        });
        events.alertState(alertId, state, actor, role, now);
        return result;
    }
}
