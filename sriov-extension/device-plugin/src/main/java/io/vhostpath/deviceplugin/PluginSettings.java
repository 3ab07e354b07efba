package io.vhostpath.deviceplugin;

import java.nio.file.Path;

/**
 * Where the plugin puts what it writes for pods, and what it offers kubelet.
 *
 * @param pluginDir     kubelet's device-plugins directory (kubelet.sock and ours)
 * @param deviceInfoDir where device-info files go
 * @param cdiDir        where CDI specs go, or null for none
 * @param preStartCheck whether kubelet calls PreStartContainer, which checks the devices again
 */
public record PluginSettings(Path pluginDir, Path deviceInfoDir, Path cdiDir, boolean preStartCheck) {}
