package io.vigil.processors;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cursor paging of every REST list (PROTOCOL v1.1 §6). A list answers {@code {"items": [...], "next_cursor": ...}};
 * {@code next_cursor} is null on the last page. The cursor is opaque to clients: base64url of the list's name and the
 * last item's ordering key, so a cursor of one list is refused by another and a page never skips or repeats a row
 * that was already there when the first page was read.
 */
public final class Paging {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private Paging() {
    }

    /** {@code limit} as asked, 100 when absent, 400 outside 1..1000. */
    public static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT, limit);
        }
        return limit;
    }

    /** The cursor for the row after {@code key} in list {@code list}. */
    public static String cursor(String list, Object... key) {
        StringBuilder text = new StringBuilder(list);
        for (Object part : key) {
            text.append('\n').append(part);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The key parts of a cursor from list {@code list}, or null when there is none; 400 when it is not one of this
     * list's cursors.
     */
    public static String[] key(String list, String cursor, int parts) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        String[] split;
        try {
            if (cursor.length() > 512) {
                throw new IllegalArgumentException("too long");
            }
            split = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("cursor is not a cursor this list gave out", null);
        }
        if (split.length != parts + 1 || !split[0].equals(list)) {
            throw new BadRequestException("cursor is not a cursor this list gave out", null);
        }
        String[] key = new String[parts];
        System.arraycopy(split, 1, key, 0, parts);
        return key;
    }

    public static long longPart(String part) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException e) {
            throw new BadRequestException("cursor is not a cursor this list gave out", null);
        }
    }

    /** A key that identifies one item's place in its list. */
    @FunctionalInterface
    public interface KeyOf<T> {
        Object[] key(T item);
    }

    /**
     * The page from {@code rows}, read with {@code limit + 1}: the extra row only says there is more; the cursor is the
     * last returned row's key.
     */
    public static <T> Map<String, Object> page(String list, List<T> rows, int limit, KeyOf<T> keyOf) {
        boolean more = rows.size() > limit;
        List<T> items = more ? new ArrayList<>(rows.subList(0, limit)) : rows;
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("items", items);
        page.put("next_cursor", more ? cursor(list, keyOf.key(items.get(items.size() - 1))) : null);
        return page;
    }
}
