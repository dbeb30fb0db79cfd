package io.mxray.demo;

import io.mxray.lab.Lab;
import io.mxray.local.LocalCluster;

/** The stage processes of a {@link LocalCluster} pointed at a lab. */
public final class LabInternet {
    private LabInternet() {
    }

    public static LocalCluster.Internet of(Lab lab) {
        return new LocalCluster.Internet(lab.resolver(), lab.trustAnchorFile(), lab.smtpPort(), lab.caFile(),
                lab.httpsPort());
    }
}
