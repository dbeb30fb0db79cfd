package io.mxray.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mxray} command. */
@Command(name = "mxray", mixinStandardHelpOptions = true, version = "mxray 0.1.0",
        description = "Measures how e-mail is protected in transit: MX, STARTTLS, certificates (and soon DNSSEC, "
                + "DANE and MTA-STS), for lists of domains, through a Kafka pipeline into PostgreSQL.",
        subcommands = {DemoCommand.class, ScanCommand.class, io.mxray.app.check.CheckCommand.class, WaitCommand.class, StatsCommand.class, ExportCommand.class, ReportCommand.class,
                LabCommand.class,
                InfraCommand.class, BenchCommand.class})
public final class Mxray implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Mxray());
        cl.setExecutionExceptionHandler(Mxray::failed);
        cl.addSubcommand("scheduler", new io.mxray.scheduler.Main());
        cl.addSubcommand("dns-worker", new io.mxray.dns.Main());
        cl.addSubcommand("smtp-worker", new io.mxray.smtp.Main());
        cl.addSubcommand("aggregator", new io.mxray.aggregator.Main());
        return cl;
    }

    /** {@code mxray check} alone, named as under {@code mxray}. */
    static CommandLine checkCommandLine() {
        CommandLine cl = new CommandLine(new io.mxray.app.check.CheckCommand());
        cl.setCommandName("mxray check");
        cl.setExecutionExceptionHandler(Mxray::failed);
        return cl;
    }

    /**
     * A failure a user can act on is one line on stderr and exit status 2; the stack trace only
     * with MXRAY_DEBUG set.
     */
    private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        String name = cl.getCommandName();
        StringBuilder msg = new StringBuilder((name.startsWith("mxray") ? name : "mxray " + name) + ": ");
        String last = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && !m.equals(last) && (last == null || !last.contains(m))) {
                msg.append(last == null ? "" : ": ").append(m);
                last = m;
            }
        }
        if (last == null) {
            msg.append(e.getClass().getName());
        }
        cl.getErr().println(msg);
        if (System.getenv("MXRAY_DEBUG") != null) {
            e.printStackTrace(cl.getErr());
        } else {
            cl.getErr().println("(set MXRAY_DEBUG=1 for the stack trace)");
        }
        // a command may say otherwise (check: 3, UNKNOWN to a monitoring system); the others: 2
        int code = cl.getCommandSpec().exitCodeOnExecutionException();
        return code == CommandLine.ExitCode.SOFTWARE ? 2 : code;
    }

    public static void main(String[] args) {
        io.mxray.runtime.Jvm.prepare();
        // `check` is typed by hand and run by monitoring: it skips building every other command's
        // model (a third of a second of reflection), its help and options are the same
        boolean check = args.length > 0 && args[0].equals("check");
        if (check) {
            org.slf4j.LoggerFactory.getILoggerFactory(); // once, here: threads racing to it replay warnings
            io.mxray.app.check.Warmup.start();
        }
        CommandLine cl = check ? checkCommandLine() : commandLine();
        int status = cl.execute(check ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
        System.exit(status);
    }
}
