package io.mxray.lab;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;

/**
 * The lab's authority asked in-process, as if over the network (the answer goes through the wire
 * format); EDNS as set, like a transport.
 */
public final class LabResolver extends InProcessResolver {
    private final LabAuthority authority;
    private OPTRecord edns;

    public LabResolver(LabAuthority authority) {
        this.authority = authority;
    }

    @Override
    public CompletionStage<Message> sendAsync(Message query) {
        try {
            if (query.getOPT() == null && edns != null) {
                query = query.clone();
                query.addRecord(edns, Section.ADDITIONAL);
            }
            Message answer = authority.answer(query);
            answer.getHeader().setID(query.getHeader().getID());
            return CompletableFuture.completedFuture(new Message(answer.toWire()));
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public synchronized void setEDNS(int version, int payloadSize, int flags, List<EDNSOption> options) {
        edns = version < 0 ? null : new OPTRecord(payloadSize > 0 ? payloadSize : 1232, 0, version, flags);
    }
}
