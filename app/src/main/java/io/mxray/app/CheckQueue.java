package io.mxray.app;

import io.mxray.check.Checker;
import io.mxray.schema.CheckResult;
import io.mxray.store.CheckStore;
import io.mxray.store.Database;
import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web's "check your domain": checks wait in one queue, first come first served, and at most
 * {@code concurrent} run at once; a client address may ask for at most {@code perMinute} a
 * minute, and the queue holds at most {@code queued}. What is refused is refused at once, with
 * why and when to try again, never queued without bound. The checker is the one {@code mxray
 * check} uses (public addresses only, the opt-out list honoured), made on the first check.
 * A finished check is kept, if asked, as a scan of one domain ({@link CheckStore}).
 */
final class CheckQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckQueue.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    /** Finished checks remembered for their pages; the oldest go first. */
    private static final int REMEMBERED = 1_000;
    /** Client addresses whose last minute is remembered: more means someone is making them up. */
    private static final int CLIENTS = 10_000;

    /** The limits, each configurable ({@code mxray serve --check-*}). */
    record Limits(int perMinute, int concurrent, int queued, boolean store) {
        Limits {
            if (perMinute < 1 || concurrent < 1 || queued < 1) {
                throw new IllegalArgumentException("check limits must be at least 1: " + perMinute + " a minute, "
                        + concurrent + " at once, " + queued + " queued");
            }
        }
    }

    enum State { QUEUED, RUNNING, DONE }

    /** One check asked for: its id is a secret of whoever asked (128 random bits). */
    static final class Job {
        final String id;
        final String input;
        final boolean keep;
        final Instant asked;
        volatile State state = State.QUEUED;
        volatile CheckResult result;
        /** The scan it was kept as, or null. */
        volatile String scanId;
        /** Why it was not kept although asked, or null. */
        volatile String notKept;

        Job(String id, String input, boolean keep, Instant asked) {
            this.id = id;
            this.input = input;
            this.keep = keep;
            this.asked = asked;
        }
    }

    /** What became of a request for a check. */
    sealed interface Submission permits Accepted, Refused {
    }

    record Accepted(Job job) implements Submission {
    }

    /** @param status 429 (this client asked too often) or 503 (the queue is full) */
    record Refused(int status, String why, Duration retryAfter) implements Submission {
    }

    /** What runs a check: {@code mxray check}'s checker in the server, anything in a test. */
    interface Runner extends AutoCloseable {
        CheckResult check(String input);

        @Override
        void close();

        static Runner of(Checker checker) {
            return new Runner() {
                @Override
                public CheckResult check(String input) {
                    return checker.check(input).join();
                }

                @Override
                public void close() {
                    checker.close();
                }
            };
        }
    }

    private final Supplier<Runner> checkers;
    private final Database database;
    private final Limits limits;
    private final Clock clock;
    private final ExecutorService workers;
    private final SecureRandom random = new SecureRandom();
    private final Object lock = new Object();
    private final Object checkerLock = new Object();
    private final Deque<Job> waiting = new ArrayDeque<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Deque<Instant>> recent = new HashMap<>();
    private Runner checker;

    CheckQueue(Supplier<Runner> checkers, Database database, Limits limits, Clock clock) {
        this.checkers = checkers;
        this.database = database;
        this.limits = limits;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(limits.concurrent(), r -> {
            Thread t = new Thread(r, "mxray-web-check");
            t.setDaemon(true);
            return t;
        });
    }

    Limits limits() {
        return limits;
    }

    Submission submit(String client, String input, boolean keep) {
        Instant now = clock.instant();
        Job job;
        synchronized (lock) {
            recent.values().forEach(times -> expire(times, now));
            recent.values().removeIf(Deque::isEmpty);
            Deque<Instant> times = recent.get(client);
            if (times == null && recent.size() >= CLIENTS) {
                return new Refused(503, "too many clients are checking domains; try again in a minute",
                        Duration.ofMinutes(1));
            }
            times = recent.computeIfAbsent(client, k -> new ArrayDeque<>());
            if (times.size() >= limits.perMinute()) {
                Duration wait = Duration.between(now, times.peekFirst().plus(Duration.ofMinutes(1)));
                return new Refused(429, "at most " + limits.perMinute() + " checks a minute from one address; "
                        + "try again in " + Math.max(1, wait.toSeconds()) + " s", wait);
            }
            if (waiting.size() >= limits.queued()) {
                return new Refused(503, "the queue of checks is full (" + limits.queued() + "); try again shortly",
                        Duration.ofSeconds(30));
            }
            times.addLast(now);
            byte[] id = new byte[16];
            random.nextBytes(id);
            job = new Job(HexFormat.of().formatHex(id), input, keep && limits.store(), now);
            waiting.addLast(job);
            jobs.put(job.id, job);
            forgetOldest();
        }
        workers.execute(this::runNext);
        return new Accepted(job);
    }

    Optional<Job> job(String id) {
        synchronized (lock) {
            return Optional.ofNullable(jobs.get(id));
        }
    }

    /** 1 for the next check to run, 0 when it runs or ran. */
    int position(Job job) {
        synchronized (lock) {
            int i = 1;
            for (Job j : waiting) {
                if (j == job) {
                    return i;
                }
                i++;
            }
            return 0;
        }
    }

    /** Checks running now and waiting. */
    int[] load() {
        synchronized (lock) {
            int running = (int) jobs.values().stream().filter(j -> j.state == State.RUNNING).count();
            return new int[] {running, waiting.size()};
        }
    }

    private void runNext() {
        Job job;
        synchronized (lock) {
            job = waiting.pollFirst();
            if (job == null) {
                return;
            }
            job.state = State.RUNNING;
        }
        try {
            CheckResult r = checker().check(job.input);
            if (job.keep && r.verdict() != null) {
                keep(job, r);
            }
            job.result = r;
        } catch (RuntimeException e) {
            LOG.error("check of {} failed", job.input, e);
            job.notKept = "the check failed: " + e.getMessage();
        } finally {
            job.state = State.DONE;
        }
    }

    private void keep(Job job, CheckResult r) {
        String scanId = "check-" + ID_TIME.format(r.checkedAt()) + "-" + job.id.substring(0, 8);
        try (Connection c = database.connect()) {
            CheckStore.store(c, r, scanId, "web check of " + r.domain());
            job.scanId = scanId;
        } catch (Exception e) {
            LOG.warn("the check of {} could not be kept: {}", r.domain(), e.getMessage());
            job.notKept = "the database did not keep it (" + e.getClass().getSimpleName()
                    + "; a read-only database user cannot)";
        }
    }

    private Runner checker() {
        synchronized (checkerLock) {
            if (checker == null) {
                checker = checkers.get();
            }
            return checker;
        }
    }

    private static void expire(Deque<Instant> times, Instant now) {
        Instant cutoff = now.minus(Duration.ofMinutes(1));
        while (!times.isEmpty() && !times.peekFirst().isAfter(cutoff)) {
            times.pollFirst();
        }
    }

    private void forgetOldest() {
        Iterator<Job> it = jobs.values().iterator();
        while (jobs.size() > REMEMBERED && it.hasNext()) {
            if (it.next().state == State.DONE) {
                it.remove();
            }
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (checkerLock) {
            if (checker != null) {
                checker.close();
            }
        }
    }
}
