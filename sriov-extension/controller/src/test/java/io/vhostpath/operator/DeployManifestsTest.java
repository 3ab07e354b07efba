package io.vhostpath.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * samples/deploy holds together: the Kustomization lists files that exist; every workload's ServiceAccount, every
 * binding's role and subject exist; selectors match their templates; mounts name volumes; and the sample policy
 * passes the CRD's OpenAPI schema (types, required fields, patterns, bounds; its CEL rules are the API server's).
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("../../samples/deploy");
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static List<HasMetadata> load(Path file) throws Exception {
        try (var in = new FileInputStream(file.toFile())) {
            Object o = JSON.unmarshal(in);
            if (o instanceof List<?> l) return l.stream().map(HasMetadata.class::cast).toList();
            return List.of((HasMetadata) o);
        }
    }

    private static List<HasMetadata> all() throws Exception {
        var out = new ArrayList<HasMetadata>();
        for (String f : kustomized()) out.addAll(load(DEPLOY.resolve(f)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String> kustomized() throws Exception {
        Map<String, Object> k = JSON.unmarshal(Files.readString(DEPLOY.resolve("kustomization.yaml")), Map.class);
        return (List<String>) k.get("resources");
    }

    @Test
    void the_kustomization_lists_every_manifest_and_only_existing_files() throws Exception {
        for (String f : kustomized()) assertTrue(Files.exists(DEPLOY.resolve(f)), f);
        try (var s = Files.list(DEPLOY)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml")
                    && !p.getFileName().toString().equals("policy-sample.yaml")).toList()) {
                assertTrue(kustomized().contains(p.getFileName().toString()), p + " is not in the kustomization");
            }
        }
    }

    @Test
    void references_between_objects_resolve() throws Exception {
        List<HasMetadata> objects = all();
        int workloads = 0;
        for (HasMetadata o : objects) {
            PodSpec pod = null;
            Map<String, String> selector = null;
            Map<String, String> labels = null;
            if (o instanceof Deployment d) {
                pod = d.getSpec().getTemplate().getSpec();
                selector = d.getSpec().getSelector().getMatchLabels();
                labels = d.getSpec().getTemplate().getMetadata().getLabels();
            } else if (o instanceof DaemonSet d) {
                pod = d.getSpec().getTemplate().getSpec();
                selector = d.getSpec().getSelector().getMatchLabels();
                labels = d.getSpec().getTemplate().getMetadata().getLabels();
            }
            if (pod == null) continue;
            workloads++;
            String name = o.getMetadata().getName();
            assertTrue(labels.entrySet().containsAll(selector.entrySet()), name + ": selector " + selector + " vs labels " + labels);
            String sa = pod.getServiceAccountName();
            if (sa != null) assertTrue(find(objects, ServiceAccount.class, sa, o.getMetadata().getNamespace()), name + ": no ServiceAccount " + sa);
            else assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), name + ": no ServiceAccount, so no token either");
            var volumes = pod.getVolumes().stream().map(v -> v.getName()).toList();
            for (var c : pod.getContainers()) for (var m : c.getVolumeMounts()) assertTrue(volumes.contains(m.getName()), name + ": mount " + m.getName());
        }
        assertEquals(3, workloads, "controller, node agent, device plugin");
        for (HasMetadata o : objects) {
            RoleRef ref = null;
            List<Subject> subjects = List.of();
            if (o instanceof RoleBinding b) {
                ref = b.getRoleRef();
                subjects = b.getSubjects();
                assertTrue(ref.getKind().equals("Role") ? find(objects, Role.class, ref.getName(), o.getMetadata().getNamespace())
                        : find(objects, ClusterRole.class, ref.getName(), null), "binding " + o.getMetadata().getName());
            } else if (o instanceof ClusterRoleBinding b) {
                ref = b.getRoleRef();
                subjects = b.getSubjects();
                assertTrue(find(objects, ClusterRole.class, ref.getName(), null), "binding " + o.getMetadata().getName());
            }
            for (Subject s : subjects) assertTrue(find(objects, ServiceAccount.class, s.getName(), s.getNamespace()), "subject " + s.getName());
        }
    }

    private static boolean find(List<HasMetadata> objects, Class<?> kind, String name, String namespace) {
        return objects.stream().anyMatch(o -> kind.isInstance(o) && o.getMetadata().getName().equals(name)
                && (namespace == null || namespace.equals(o.getMetadata().getNamespace())));
    }

    @Test
    void the_sample_policy_passes_the_crd_schema_and_a_broken_one_does_not() throws Exception {
        var crd = (CustomResourceDefinition) load(DEPLOY.resolve("crds/vhostvdpanodepolicies.vhostpath.io-v1.yml")).getFirst();
        JSONSchemaProps schema = crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema();
        @SuppressWarnings("unchecked")
        Map<String, Object> sample = JSON.unmarshal(Files.readString(DEPLOY.resolve("policy-sample.yaml")), Map.class);
        assertEquals(List.of(), Schema.problems(schema.getProperties().get("spec"), sample.get("spec"), "spec"));
        @SuppressWarnings("unchecked")
        var spec = new java.util.LinkedHashMap<String, Object>((Map<String, Object>) sample.get("spec"));
        spec.put("numVfs", -1);
        spec.put("eSwitchMode", "fancy");
        spec.remove("resourceName");
        assertEquals(List.of("spec.eSwitchMode: 'fancy' does not match ^(legacy|switchdev)$", "spec.numVfs: -1 is below 0",
                "spec.resourceName: required"), Schema.problems(schema.getProperties().get("spec"), spec, "spec"));
    }

    /** The subset of OpenAPI v3 the generated CRDs use: type, properties, required, pattern, minimum, maximum, items. */
    static final class Schema {
        static List<String> problems(JSONSchemaProps s, Object value, String path) {
            var out = new ArrayList<String>();
            check(s, value, path, out);
            out.sort(null);
            return out;
        }

        private static void check(JSONSchemaProps s, Object v, String path, List<String> out) {
            switch (String.valueOf(s.getType())) {
                case "object" -> {
                    if (!(v instanceof Map<?, ?> m)) {
                        out.add(path + ": not an object");
                        return;
                    }
                    for (String r : s.getRequired()) if (!m.containsKey(r)) out.add(path + "." + r + ": required");
                    for (var e : m.entrySet()) {
                        JSONSchemaProps p = s.getProperties().get(String.valueOf(e.getKey()));
                        if (p != null) check(p, e.getValue(), path + "." + e.getKey(), out);
                        else if (s.getAdditionalProperties() != null && s.getAdditionalProperties().getSchema() != null) {
                            check(s.getAdditionalProperties().getSchema(), e.getValue(), path + "." + e.getKey(), out);
                        } else if (!s.getProperties().isEmpty()) out.add(path + "." + e.getKey() + ": unknown field");
                    }
                }
                case "array" -> {
                    if (!(v instanceof List<?> l)) out.add(path + ": not an array");
                    else for (int i = 0; i < l.size(); i++) check(s.getItems().getSchema(), l.get(i), path + "[" + i + "]", out);
                }
                case "string" -> {
                    if (!(v instanceof String str)) out.add(path + ": not a string");
                    else if (s.getPattern() != null && !java.util.regex.Pattern.compile(s.getPattern()).matcher(str).find()) {
                        out.add(path + ": '" + str + "' does not match " + s.getPattern());
                    }
                }
                case "integer" -> {
                    if (!(v instanceof Number n)) {
                        out.add(path + ": not an integer");
                        return;
                    }
                    if (s.getMinimum() != null && n.doubleValue() < s.getMinimum()) out.add(path + ": " + n + " is below " + s.getMinimum().intValue());
                    if (s.getMaximum() != null && n.doubleValue() > s.getMaximum()) out.add(path + ": " + n + " is above " + s.getMaximum().intValue());
                }
                default -> { }
            }
        }
    }
}
