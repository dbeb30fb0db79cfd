package io.mxray.lab;

import java.time.Duration;
import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TSIG;

/**
 * A resolver that answers in-process (tests and benchmarks): transport settings (port, TCP, timeout, TSIG)
 * mean nothing to it. Subclasses implement {@code sendAsync} and may keep EDNS.
 */
public abstract class InProcessResolver implements Resolver {
    @Override
    public void setPort(int port) {
    }

    @Override
    public void setTCP(boolean flag) {
    }

    @Override
    public void setIgnoreTruncation(boolean flag) {
    }

    @Override
    public void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
    }

    @Override
    public void setTSIGKey(TSIG key) {
    }

    @Override
    public void setTimeout(Duration timeout) {
    }
}
