package dev.strata.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs stress work on many threads at once and turns a hang into a failure that shows why.
 *
 * <p>Every worker waits on one latch so they all start together. If the work is not done within
 * the deadline, the test fails with a dump of every thread (locks held and waited on, and any
 * deadlock the JVM detects) instead of hanging the build. The first worker failure fails the test
 * with the worker's exception as the cause and the others suppressed.
 *
 * <p>Sizes are meant for CI (each test well under a minute on two cores); running with
 * {@code -Dstrata.soak=true} multiplies them by {@link #SOAK_FACTOR}, or by
 * {@code -Dstrata.soak.factor=N}. Under emulation (kernel-guest's QEMU without KVM), where the
 * same work takes many times longer, {@code -Dstrata.stress.slowdown=N} stretches every deadline,
 * and only the deadline: the deadline tells a hang from slow work, it does not time the work.
 */
public final class Stress {

  /** How much longer a soak run is than a CI run unless {@code strata.soak.factor} says. */
  public static final int SOAK_FACTOR = 20;

  /** A worker: its index among the threads, and the work it does. */
  @FunctionalInterface
  public interface Worker {
    void run(int thread) throws Exception;
  }

  private Stress() {}

  /** {@code ci} iterations, multiplied when soaking. */
  public static int iterations(int ci) {
    if (!Boolean.getBoolean("strata.soak")) {
      return ci;
    }
    return ci * Integer.getInteger("strata.soak.factor", SOAK_FACTOR);
  }

  /** The deadline for {@code ci}, multiplied as {@link #iterations} is. */
  public static Duration deadline(Duration ci) {
    return ci.multipliedBy(iterations(1));
  }

  /** Runs {@code worker} on {@code threads} threads started together; fails on error or past the deadline. */
  public static void run(int threads, Duration deadline, Worker worker) throws InterruptedException {
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(worker);
    }
    runEach(workers, deadline);
  }

  /** Runs each of {@code workers} on its own thread, started together. */
  public static void runEach(List<Worker> workers, Duration ciDeadline) throws InterruptedException {
    Duration deadline = ciDeadline.multipliedBy(Integer.getInteger("strata.stress.slowdown", 1));
    ExecutorService pool = Executors.newFixedThreadPool(workers.size(), r -> {
      Thread t = new Thread(r);
      t.setName("stress-" + t.getId());
      t.setDaemon(true);
      return t;
    });
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < workers.size(); i++) {
        int index = i;
        Worker w = workers.get(i);
        futures.add(pool.submit(() -> {
          start.await();
          w.run(index);
          return null;
        }));
      }
      start.countDown();
      long end = System.nanoTime() + deadline.toNanos();
      AssertionError failure = null;
      for (Future<?> f : futures) {
        try {
          f.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          fail("stress work not done within " + deadline + " (deadlock or livelock?)\n" + threadDump());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = new AssertionError("a stress worker failed: " + e.getCause(), e.getCause());
          } else {
            failure.addSuppressed(e.getCause());
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
      // A worker stuck in a native call cannot be interrupted; daemon threads let the JVM exit.
      pool.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Every live thread's stack and locks, deadlocked threads first. */
  private static String threadDump() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    StringBuilder out = new StringBuilder();
    long[] deadlocked = mx.findDeadlockedThreads();
    if (deadlocked != null) {
      out.append("DEADLOCK among ").append(deadlocked.length).append(" threads:\n");
      for (ThreadInfo info : mx.getThreadInfo(deadlocked, true, true)) {
        out.append(full(info));
      }
    }
    for (ThreadInfo info : mx.dumpAllThreads(true, true)) {
      out.append(full(info));
    }
    return out.toString();
  }

  /** {@link ThreadInfo#toString} stops after eight frames; a hang needs the whole stack. */
  private static String full(ThreadInfo info) {
    StringBuilder s = new StringBuilder();
    s.append('"').append(info.getThreadName()).append("\" ").append(info.getThreadState());
    if (info.getLockName() != null) {
      s.append(" on ").append(info.getLockName());
    }
    if (info.getLockOwnerName() != null) {
      s.append(" owned by \"").append(info.getLockOwnerName()).append('"');
    }
    s.append('\n');
    for (StackTraceElement frame : info.getStackTrace()) {
      s.append("\tat ").append(frame).append('\n');
    }
    for (var monitor : info.getLockedMonitors()) {
      s.append("\t- holds ").append(monitor).append(" (taken at ").append(monitor.getLockedStackFrame()).append(")\n");
    }
    for (var sync : info.getLockedSynchronizers()) {
      s.append("\t- holds ").append(sync).append('\n');
    }
    return s.append('\n').toString();
  }
}
