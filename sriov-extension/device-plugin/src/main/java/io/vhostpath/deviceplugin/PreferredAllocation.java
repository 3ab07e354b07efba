package io.vhostpath.deviceplugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of the available devices to give a container, for locality: the ones it must have first; then devices on
 * a PF it already has, then on its NUMA node; and when it has none yet, the PF (and so the NUMA node) with the most
 * devices free, so that one pod's interfaces share a switch and its memory. Ties go by device ID, so the answer is
 * the same for the same question.
 */
public final class PreferredAllocation {
    private PreferredAllocation() {}

    public static List<String> choose(List<String> available, List<String> mustInclude, int size, Map<String, PluginDevice> known) {
        var chosen = new LinkedHashSet<String>(mustInclude);
        var free = new ArrayList<String>();
        for (String id : available) if (!chosen.contains(id) && known.containsKey(id)) free.add(id);
        var perPf = new HashMap<String, Integer>();
        for (String id : free) perPf.merge(known.get(id).pf(), 1, Integer::sum);
        while (chosen.size() < size && !free.isEmpty()) {
            Set<String> pfs = new java.util.HashSet<>();
            Set<Integer> numas = new java.util.HashSet<>();
            for (String id : chosen) {
                PluginDevice d = known.get(id);
                if (d != null) {
                    pfs.add(d.pf());
                    numas.add(d.numaNode());
                }
            }
            Comparator<String> order = Comparator
                    .comparing((String id) -> !pfs.contains(known.get(id).pf()))
                    .thenComparing(id -> !numas.contains(known.get(id).numaNode()))
                    .thenComparing(id -> -perPf.get(known.get(id).pf()))
                    .thenComparing(id -> known.get(id).pf())
                    .thenComparing(Comparator.naturalOrder());
            String next = free.stream().min(order).orElseThrow();
            free.remove(next);
            chosen.add(next);
        }
        return List.copyOf(chosen);
    }
}
