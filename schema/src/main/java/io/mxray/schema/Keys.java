package io.mxray.schema;

/**
 * How message keys are formed. Keys decide partitions: every message about one domain of one
 * scan shares the domain key; every message about one probe shares the probe key, so that one
 * worker instance sees every request for it.
 */
public final class Keys {
    private Keys() {
    }

    public static String domainKey(String scanId, String domain) {
        return scanId + "/" + domain;
    }

    /**
     * One probe per scan and (IP, port, name to match): results that depend on the name are
     * never shared between names.
     */
    public static String probeKey(String scanId, String ip, int port, String mxHost) {
        return scanId + "|" + ip + "|" + port + "|" + mxHost;
    }
}
