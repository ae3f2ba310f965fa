package io.github.geminibalance.keys;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pool's keys at one moment, in rotation order, by id, and their raw values: never changed; the pool
 * replaces the whole of it when keys are added or removed (copy-on-write), so a selection never waits
 * for a change of membership.
 */
record KeyMembers(List<KeyEntry> list, Map<String, KeyEntry> byId, List<String> values) {

    /** The members for {@code entries}, in their order; a later duplicate of an id is dropped. */
    static KeyMembers of(List<KeyEntry> entries) {
        Map<String, KeyEntry> byId = new LinkedHashMap<>();
        for (KeyEntry e : entries) {
            byId.putIfAbsent(e.key.id(), e);
        }
        List<String> values = new ArrayList<>(byId.size());
        byId.values().forEach(e -> values.add(e.key.value()));
        return new KeyMembers(List.copyOf(byId.values()), Collections.unmodifiableMap(byId),
                Collections.unmodifiableList(values));
    }

    /** These members and then {@code more}, at the end of the rotation. */
    KeyMembers plus(List<KeyEntry> more) {
        List<KeyEntry> all = new ArrayList<>(list.size() + more.size());
        all.addAll(list);
        all.addAll(more);
        return of(all);
    }

    /** These members without the keys of {@code ids}. */
    KeyMembers minus(Set<String> ids) {
        List<KeyEntry> kept = new ArrayList<>(list.size());
        for (KeyEntry e : list) {
            if (!ids.contains(e.key.id())) {
                kept.add(e);
            }
        }
        return of(kept);
    }
}
