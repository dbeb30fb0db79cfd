package io.mxray.runtime;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;

/**
 * A security provider offering only some services of another, each instance made by the other's
 * own service entry: how a process puts a faster implementation of a few algorithms (Conscrypt's
 * ECDSA, its elliptic curves) first in the JDK's list without taking everything else from it.
 */
public final class SelectedServices extends Provider {
    private static final long serialVersionUID = 1L;

    /**
     * @param services pairs of type and algorithm ({@code {"Signature", "SHA256withECDSA"}}); those
     *                 the source does not offer are left out
     */
    public SelectedServices(String name, String info, Provider source, String[][] services) {
        super(name, "1.0", info);
        add(source, services);
    }

    /** An empty provider; {@link #add} fills it. */
    public SelectedServices(String name, String info) {
        super(name, "1.0", info);
    }

    /**
     * Adds services of a further source (pairs of type and algorithm); those it does not offer are
     * left out. Returns this provider.
     */
    public SelectedServices add(Provider source, String[][] services) {
        for (String[] s : services) {
            Provider.Service service = source.getService(s[0], s[1]);
            if (service != null) {
                putService(new Delegating(this, service));
            }
        }
        return this;
    }

    /** A service of this provider whose instances come from the source provider's entry. */
    private static final class Delegating extends Provider.Service {
        private final Provider.Service source;

        Delegating(Provider owner, Provider.Service source) {
            super(owner, source.getType(), source.getAlgorithm(), source.getClassName(), null, null);
            this.source = source;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return source.newInstance(constructorParameter);
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            return source.supportsParameter(parameter);
        }
    }
}
