package io.vhostpath.ovsdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Real OVN 23.03 on a real Open vSwitch, all in one private directory (TESTBED.md): Northbound and Southbound
 * ovsdb-servers, ovn-northd, and ovn-controller binding ports of br-int for chassis {@code vp-chassis}.
 */
public final class OvnTestbed implements AutoCloseable {
    public static final String CHASSIS = "vp-chassis";
    private final OvsTestbed ovs;

    private OvnTestbed(OvsTestbed ovs) {
        this.ovs = ovs;
    }

    public static boolean installed() {
        return OvsTestbed.installed() && Files.isExecutable(Path.of("/usr/bin/ovn-northd"))
                && Files.isExecutable(Path.of("/usr/bin/ovn-controller"));
    }

    public static OvnTestbed start(Path dir) throws IOException, InterruptedException {
        var ovs = OvsTestbed.start(dir);
        var t = new OvnTestbed(ovs);
        for (String db : List.of("nb", "sb")) {
            ovs.run("ovsdb-tool", "create", dir.resolve(db + ".db").toString(), "/usr/share/ovn/ovn-" + db + ".ovsschema");
            ovs.run("ovsdb-server", dir.resolve(db + ".db").toString(), "--remote=punix:" + dir.resolve(db + ".sock"),
                    "--pidfile=" + dir.resolve(db + ".pid"), "--unixctl=" + dir.resolve(db + ".ctl"),
                    "--log-file=" + dir.resolve(db + ".log"), "--detach");
        }
        ovs.run("ovn-northd", "--ovnnb-db=unix:" + t.northbound(), "--ovnsb-db=unix:" + t.southbound(),
                "--pidfile=" + dir.resolve("northd.pid"), "--log-file=" + dir.resolve("northd.log"), "--detach");
        ovs.vsctl("set", "Open_vSwitch", ".", "external_ids:system-id=" + CHASSIS, "external_ids:ovn-remote=unix:" + t.southbound(),
                "external_ids:ovn-encap-type=geneve", "external_ids:ovn-encap-ip=127.0.0.1",
                "external_ids:ovn-bridge-datapath-type=netdev");
        ovs.vsctl("add-br", "br-int", "--", "set", "Bridge", "br-int", "datapath_type=netdev", "fail-mode=secure");
        ovs.run("ovn-controller", "unix:" + ovs.dbSocket(), "--pidfile=" + dir.resolve("controller.pid"),
                "--log-file=" + dir.resolve("controller.log"), "--detach");
        return t;
    }

    public OvsTestbed ovs() {
        return ovs;
    }

    public Path northbound() {
        return ovs.dir().resolve("nb.sock");
    }

    public Path southbound() {
        return ovs.dir().resolve("sb.sock");
    }

    /** ovn-sbctl against the Southbound database. */
    public String sbctl(String... args) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<>(List.of("ovn-sbctl", "--db=unix:" + southbound(), "--timeout=20"));
        cmd.addAll(List.of(args));
        return ovs.run(cmd.toArray(String[]::new));
    }

    /** ovn-nbctl against the Northbound database. */
    public String nbctl(String... args) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<>(List.of("ovn-nbctl", "--db=unix:" + northbound(), "--timeout=20"));
        cmd.addAll(List.of(args));
        return ovs.run(cmd.toArray(String[]::new));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (String daemon : List.of("controller", "northd", "sb", "nb")) {
            OvsTestbed.pidOf(ovs.dir().resolve(daemon + ".pid")).ifPresent(OvsTestbed::stop);
        }
        ovs.close();
    }
}
