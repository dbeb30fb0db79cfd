package io.mxray.app;

import io.mxray.check.CheckCommand;
import io.mxray.runtime.Jvm;
import io.mxray.scheduler.Main;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code mxray} command. */
@Command(name = "mxray", mixinStandardHelpOptions = true, version = "mxray 0.1.0",
        description = "Measures how e-mail is protected in transit: MX and DNSSEC, STARTTLS, every certificate, "
                + "web PKI and DANE as a sending MTA judges them, MTA-STS and TLS-RPT records, for lists of domains, "
                + "through a Kafka pipeline into PostgreSQL; and one domain now (check).",
        subcommands = {})
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
        // in the order the help lists them; the ones named by class come with the lab (modules demo
        // and bench): an installation without it, as the container image, has the others
        List<Object> commands = List.of("io.mxray.demo.DemoCommand", ScanCommand.class, CheckCommand.class,
                WaitCommand.class, StatsCommand.class, ExportCommand.class, ReportCommand.class, ServeCommand.class,
                PruneCommand.class,
                "io.mxray.demo.LabCommand", InfraCommand.class, ClassArchiveCommand.class, "io.mxray.bench.BenchCommand");
        for (Object command : commands) {
            if (command instanceof String className) {
                try {
                    cl.addSubcommand(Class.forName(className));
                } catch (ClassNotFoundException absent) {
                    // an installation without the lab
                }
            } else {
                cl.addSubcommand(command);
            }
        }
        for (String name : PIPELINE) {
            cl.addSubcommand(name, pipelineCommand(name));
        }
        return cl;
    }

    /** The scheduler and the stages, in the order the help lists them. */
    private static final List<String> PIPELINE =
            List.of("scheduler", "dns-worker", "smtp-worker", "policy-worker", "aggregator");

    /** The command object of a name in {@link #PIPELINE}; null for any other name. */
    private static Object pipelineCommand(String name) {
        return switch (name) {
            case "scheduler" -> new Main();
            case "dns-worker" -> new io.mxray.dns.Main();
            case "smtp-worker" -> new io.mxray.smtp.Main();
            case "policy-worker" -> new io.mxray.policy.Main();
            case "aggregator" -> new io.mxray.aggregator.Main();
            default -> null;
        };
    }

    /**
     * A stage or the scheduler alone, named as under {@code mxray}: a process that runs one of
     * them builds no other command's model (picocli's reflection over every command was a sixth
     * of the scheduler's start, which every scan pays); null for any other command.
     */
    static CommandLine pipelineCommandLine(String name) {
        Object command = pipelineCommand(name);
        if (command == null) {
            return null;
        }
        CommandLine cl = new CommandLine(command);
        cl.setCommandName("mxray " + name);
        cl.setExecutionExceptionHandler(Mxray::failed);
        return cl;
    }

    /** {@code mxray check} alone, named as under {@code mxray}. */
    static CommandLine checkCommandLine() {
        CommandLine cl = new CommandLine(new CheckCommand());
        cl.setCommandName("mxray check");
        cl.setExecutionExceptionHandler(Mxray::failed);
        return cl;
    }

    /**
     * A failure a user can act on is one line on stderr and exit status 2; the stack trace only
     * with MXRAY_DEBUG set.
     */
    private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        // a command may say otherwise (check: 3, UNKNOWN to a monitoring system); the others: 2
        int code = cl.getCommandSpec().exitCodeOnExecutionException();
        return failed(e, cl.getCommandName(), cl.getErr(), code == CommandLine.ExitCode.SOFTWARE ? 2 : code);
    }

    private static int failed(Exception e, String name, PrintWriter err, int code) {
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
        err.println(msg);
        if (System.getenv("MXRAY_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set MXRAY_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return code;
    }

    /**
     * {@code mxray check ARGS}: an everyday command line is read without picocli's model (a third
     * of a second of the check's first second, see {@code QuickArgs}), anything else by picocli.
     * Either way the same command runs, with the same exit statuses and messages.
     */
    public static int check(String[] args, PrintWriter out, PrintWriter err) {
        Optional<CheckCommand> quick =
                CheckCommand.quick(List.of(args), System::getenv);
        if (quick.isPresent()) {
            try {
                return quick.get().run(out);
            } catch (Exception e) {
                // UNKNOWN to a monitoring system, as the command's own annotation says
                return failed(e, "mxray check", err, CheckCommand.class
                        .getAnnotation(Command.class).exitCodeOnExecutionException());
            }
        }
        CommandLine cl = checkCommandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** Standard output as picocli writes to it (its encoding: sun.stdout.encoding, else the default). */
    private static PrintWriter stdout() {
        return writer(System.out, "sun.stdout.encoding");
    }

    private static PrintWriter stderr() {
        return writer(System.err, "sun.stderr.encoding");
    }

    private static PrintWriter writer(PrintStream stream, String encodingProperty) {
        String encoding = System.getProperty(encodingProperty);
        Charset cs = encoding == null ? Charset.defaultCharset()
                : Charset.forName(encoding);
        return new PrintWriter(new OutputStreamWriter(stream, cs), true);
    }

    public static void main(String[] args) {
        Jvm.prepare();
        // `check` is typed by hand and run by monitoring: it builds no other command's model, and
        // its own only when the command line needs picocli (see check); help and options are the same
        boolean check = args.length > 0 && args[0].equals("check");
        if (check) {
            // a few buffers for a few seconds: Netty's default (adaptive, pooling) allocator costs a
            // tenth of a second on its first buffer (its JFR events start the JDK's JFR metadata)
            if (System.getProperty("io.netty.allocator.type") == null) {
                System.setProperty("io.netty.allocator.type", "unpooled");
            }
            LoggerFactory.getILoggerFactory(); // once, here: threads racing to it replay warnings
        }
        CommandLine stage = args.length > 0 ? pipelineCommandLine(args[0]) : null;
        int status = check ? check(Arrays.copyOfRange(args, 1, args.length), stdout(), stderr())
                : stage != null ? stage.execute(Arrays.copyOfRange(args, 1, args.length))
                : commandLine().execute(args);
        System.exit(status);
    }
}
