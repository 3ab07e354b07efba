package io.vhostpath.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import dev.cel.common.CelValidationException;
import dev.cel.parser.CelStandardMacro;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * samples/deploy holds together: the Kustomization lists files that exist; every workload's ServiceAccount, every
 * binding's role and subject exist; selectors match their templates; mounts name volumes; and the sample policy
 * passes the CRD's OpenAPI schema (types, required fields, patterns, bounds; and its CEL rules, evaluated by CEL for Java).
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
        var sample = samplePolicySpec();
        assertEquals(List.of(), Schema.problems(policySpecSchema(), sample, "spec"));
        var spec = new LinkedHashMap<>(sample);
        spec.put("numVfs", -1);
        spec.put("eSwitchMode", "fancy");
        spec.remove("resourceName");
        assertEquals(List.of("spec.eSwitchMode: 'fancy' does not match ^(legacy|switchdev)$", "spec.numVfs: -1 is below 0",
                "spec.resourceName: required", "spec: vdpaType needs eSwitchMode switchdev"), Schema.problems(policySpecSchema(), spec, "spec"));
    }

    /** The bad policies the issue names, each refused by the CRD (OpenAPI or CEL) with a message naming the field. */
    @Test
    void the_crd_refuses_each_policy_the_api_server_must_refuse() throws Exception {
        var cases = new LinkedHashMap<Map<String, Object>, String>();
        cases.put(Map.of("eSwitchMode", "legacy"), "spec: vdpaType needs eSwitchMode switchdev");
        cases.put(Map.of("deviceType", "vfio-pci"), "spec: vdpaType needs deviceType netdevice");
        cases.put(Map.of("numVfs", 70000), "spec.numVfs: 70000 is above 65535");
        cases.put(Map.of("nicSelector", Map.of("pfNames", List.of("ens1f0#0"))),
                "spec.nicSelector.pfNames[0]: 'ens1f0#0' does not match ^[A-Za-z0-9_.-]{1,15}(#[0-9]{1,4}-[0-9]{1,4})?$");
        cases.put(Map.of("nicSelector", Map.of("rootDevices", List.of("65:00.0"))),
                "spec.nicSelector.rootDevices[0]: '65:00.0' does not match ^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$");
        cases.put(Map.of("nicSelector", Map.of("deviceID", "101d")), "spec.nicSelector: selects nothing: give pfNames, rootDevices or vendor");
        for (var c : cases.entrySet()) {
            var spec = new LinkedHashMap<>(samplePolicySpec());
            spec.putAll(c.getKey());
            assertEquals(List.of(c.getValue()), Schema.problems(policySpecSchema(), spec, "spec"), c.getKey().toString());
        }
        var noMode = new LinkedHashMap<>(samplePolicySpec());
        noMode.remove("eSwitchMode");
        assertEquals(List.of("spec: vdpaType needs eSwitchMode switchdev"), Schema.problems(policySpecSchema(), noMode, "spec"),
                "a missing field fails the rule with its message, not a 'no such key' error");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> samplePolicySpec() throws Exception {
        Map<String, Object> sample = JSON.unmarshal(Files.readString(DEPLOY.resolve("policy-sample.yaml")), Map.class);
        return (Map<String, Object>) sample.get("spec");
    }

    private static JSONSchemaProps policySpecSchema() throws Exception {
        var crd = (CustomResourceDefinition) load(DEPLOY.resolve("crds/vhostvdpanodepolicies.vhostpath.io-v1.yml")).getFirst();
        return crd.getSpec().getVersions().getFirst().getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    /**
     * The subset of OpenAPI v3 the generated CRDs use (type, properties, required, pattern, minimum, maximum, items) and
     * their x-kubernetes-validations rules, evaluated by Google's CEL for Java with {@code self} bound to the object:
     * the closest stand-in for the API server's validation that runs here (no kube-apiserver can).
     */
    static final class Schema {
        private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN).setResultType(SimpleType.BOOL).build();
        private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

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
                    for (ValidationRule r : s.getXKubernetesValidations()) {
                        String broken = broken(r, m);
                        if (broken != null) out.add(path + ": " + broken);
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

        /**
         * The rule's message when it is false; the evaluation error when it cannot be evaluated (a missing key, say),
         * which the API server also reports in place of the message; null when it holds.
         */
        private static String broken(ValidationRule rule, Object self) {
            try {
                var program = RUNTIME.createProgram(CEL.compile(rule.getRule()).getAst());
                return (Boolean) program.eval(Map.of("self", celValue(self))) ? null : rule.getMessage();
            } catch (CelEvaluationException e) {
                return "cannot evaluate " + rule.getRule() + ": " + e.getMessage();
            } catch (CelValidationException e) {
                throw new AssertionError("rule does not compile: " + rule.getRule() + ": " + e.getMessage(), e);
            }
        }

        /** CEL's int is 64-bit: YAML's integers become longs; maps and lists are converted all the way down. */
        private static Object celValue(Object v) {
            return switch (v) {
                case Integer i -> i.longValue();
                case Map<?, ?> m -> {
                    var out = new LinkedHashMap<Object, Object>();
                    m.forEach((k, x) -> out.put(k, celValue(x)));
                    yield out;
                }
                case List<?> l -> l.stream().map(Schema::celValue).toList();
                default -> v;
            };
        }
    }
}
