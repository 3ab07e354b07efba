package io.vhostpath.vdpa;

/** A vDPA device as {@code VDPA_CMD_DEV_GET} reports it. */
public record VdpaDevice(String name, String mgmtDevice, long deviceId, long vendorId, long maxVqs, int maxVqSize,
                         int minVqSize) {
    public boolean isNet() {
        return deviceId == VdpaNetlink.VIRTIO_ID_NET;
    }
}
