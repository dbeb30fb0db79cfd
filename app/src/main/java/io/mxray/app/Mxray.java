package io.mxray.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mxray} command. */
@Command(name = "mxray", mixinStandardHelpOptions = true, version = "mxray 0.1.0",
        description = "Measures how e-mail is protected in transit: MX, STARTTLS, certificates (and soon DNSSEC, "
                + "DANE and MTA-STS), for lists of domains, through a Kafka pipeline into PostgreSQL.",
        subcommands = {DemoCommand.class, ScanCommand.class, LabCommand.class, InfraCommand.class})
public final class Mxray implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Mxray());
        cl.addSubcommand("scheduler", new io.mxray.scheduler.Main());
        cl.addSubcommand("dns-worker", new io.mxray.dns.Main());
        cl.addSubcommand("smtp-worker", new io.mxray.smtp.Main());
        cl.addSubcommand("aggregator", new io.mxray.aggregator.Main());
        return cl;
    }

    public static void main(String[] args) {
        int status = commandLine().execute(args);
        System.exit(status);
    }
}
