package io.vhostpath.deviceplugin;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The device plugin's poll loop as the tests run it: every {@code millis}, failures printed to the plugin's log. */
public final class Polling {
    private Polling() {}

    public static ScheduledExecutorService every(DevicePluginDaemon daemon, long millis, PrintStream log) {
        var poller = Executors.newSingleThreadScheduledExecutor();
        poller.scheduleWithFixedDelay(() -> {
            try {
                daemon.poll();
            } catch (Exception | Error e) {
                e.printStackTrace(log);
            }
        }, 0, millis, TimeUnit.MILLISECONDS);
        return poller;
    }
}
