package io.vigil.processors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bearer-token roles (PROTOCOL §6): viewer reads, operator also commands, admin also provisions; the
 * gateway role may only post batches. Tokens come from configuration; comparison is constant-time.
 */
public class ApiAuth {

    private static final List<String> RANKED = List.of("viewer", "operator", "admin");

    private final Map<String, byte[]> tokens = new LinkedHashMap<>();

    public ApiAuth(String adminToken, String operatorToken, String viewerToken, String gatewayToken) {
        tokens.put("admin", adminToken.getBytes(StandardCharsets.UTF_8));
        tokens.put("operator", operatorToken.getBytes(StandardCharsets.UTF_8));
        tokens.put("viewer", viewerToken.getBytes(StandardCharsets.UTF_8));
        tokens.put("gateway", gatewayToken.getBytes(StandardCharsets.UTF_8));
    }

    /** Passes when the caller's role includes {@code required}; 401 without a known token, 403 with too small a role. */
    public void require(String authorization, String required) {
        String role = roleOf(authorization);
        if (role == null) {
            throw new UnauthorizedException("missing or unknown bearer token", "send Authorization: Bearer <token>");
        }
        boolean allowed = "gateway".equals(required) ? "gateway".equals(role)
                : RANKED.contains(role) && RANKED.indexOf(role) >= RANKED.indexOf(required);
        if (!allowed) {
            throw new ForbiddenException("role " + role + " may not do this", Map.of("required_role", required));
        }
    }

    /** The caller's role (after {@link #require}); kept with what an operator does, such as acknowledging an alert. */
    public String role(String authorization) {
        return roleOf(authorization);
    }

    /** GET /whoami: the caller's role (the dashboard shows or hides operator controls by it). */
    public Map<String, Object> whoami(String authorization) {
        String role = roleOf(authorization);
        if (role == null || "gateway".equals(role)) {
            throw new UnauthorizedException("missing or unknown bearer token", "send Authorization: Bearer <token>");
        }
        return Map.of("role", role);
    }

    /** The role a raw token (no "Bearer ") belongs to, or null; for the WebSocket's query token. */
    public String roleOfToken(String token) {
        if (token == null || token.isEmpty()) {
            return null;
        }
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (Map.Entry<String, byte[]> entry : tokens.entrySet()) {
            if (entry.getValue().length > 0 && MessageDigest.isEqual(presented, entry.getValue())) {
                match = entry.getKey();
            }
        }
        return match;
    }

    private String roleOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return roleOfToken(authorization.substring(7).trim());
    }
}
