package io.mxray.lab.dns;

import org.xbill.DNS.Name;

/** An RRset's identity within a zone: owner name and type. */
public record RRsetKey(Name owner, int type) {
}
