package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Capability;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.TreeSnapshot.Times;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A read-only layer created on a parent whose own create is still running ({@link
 * Capability#INDEPENDENT_LAYERS}): built and put in place after the parent, discarded with a parent
 * that fails; refused at once ({@code NotFoundException}) by a driver that does not declare it.
 */
public interface PendingParentContract extends DriverContract {

  @Test
  default void createReadOnly_onParentStillBeingCreated_followsTheParentOrIsRefused() throws Exception {
    Gate gate = new Gate(new LayerTarBuilder().dir("etc", 0755).file("etc/a", "a", 0644).build());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<ApplyResult> parent = pool.submit(() -> driver().createReadOnly(id("parent"), Optional.empty(), gate));
      gate.awaitFirstRead();
      byte[] child = new LayerTarBuilder().file("etc/b", "b", 0644).whiteout("etc/a").build();

      if (!declares(Capability.INDEPENDENT_LAYERS)) {
        assertThrows(NotFoundException.class,
            () -> driver().createReadOnly(id("child"), parent("parent"), new ByteArrayInputStream(child)));
        gate.open();
        parent.get(60, TimeUnit.SECONDS);
        assertFalse(driver().exists(id("child")));
        return;
      }
      Future<ApplyResult> built = pool.submit(
          () -> driver().createReadOnly(id("child"), parent("parent"), new ByteArrayInputStream(child)));
      gate.open();
      parent.get(60, TimeUnit.SECONDS);
      built.get(60, TimeUnit.SECONDS);

      var reference = newReference();
      new LayerTarBuilder().dir("etc", 0755).file("etc/a", "a", 0644).applyTo(reference, isRoot());
      new LayerTarBuilder().file("etc/b", "b", 0644).whiteout("etc/a").applyTo(reference, isRoot());
      assertViewMatches("child", reference, Times.FILES_TO_SECONDS);
      assertEquals(2, driver().info(id("child")).depth());
    } finally {
      gate.open();
      pool.shutdownNow();
    }
  }

  @Test
  default void createReadOnly_parentStillBeingCreatedFails_childFailsAndLeavesNothing() throws Exception {
    byte[] broken = new LayerTarBuilder().file("x", "x", 0644).build();
    broken[148] ^= 1; // the first header's checksum no longer matches
    Gate gate = new Gate(broken);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<ApplyResult> parent = pool.submit(() -> driver().createReadOnly(id("parent"), Optional.empty(), gate));
      gate.awaitFirstRead();
      byte[] child = new LayerTarBuilder().file("c", "c", 0644).build();
      if (!declares(Capability.INDEPENDENT_LAYERS)) {
        assertThrows(NotFoundException.class,
            () -> driver().createReadOnly(id("child"), parent("parent"), new ByteArrayInputStream(child)));
        gate.open();
        assertThrows(java.util.concurrent.ExecutionException.class, () -> parent.get(60, TimeUnit.SECONDS));
        assertEquals(java.util.Set.of(), driver().layers());
        return;
      }
      Future<ApplyResult> built = pool.submit(
          () -> driver().createReadOnly(id("child"), parent("parent"), new ByteArrayInputStream(child)));
      gate.open();

      var parentFailure = assertThrows(java.util.concurrent.ExecutionException.class, () -> parent.get(60, TimeUnit.SECONDS));
      assertTrue(parentFailure.getCause() instanceof CorruptException, () -> "parent: " + parentFailure.getCause());
      var childFailure = assertThrows(java.util.concurrent.ExecutionException.class, () -> built.get(60, TimeUnit.SECONDS));
      assertTrue(childFailure.getCause() instanceof NotFoundException, () -> "child: " + childFailure.getCause());
      assertFalse(driver().exists(id("parent")));
      assertFalse(driver().exists(id("child")));
      assertEquals(java.util.Set.of(), driver().layers());
    } finally {
      gate.open();
      pool.shutdownNow();
    }
  }

  /** A tar that hands out its first byte, then holds the rest until {@link #open}. */
  final class Gate extends FilterInputStream {

    private final CountDownLatch firstRead = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    Gate(byte[] tar) {
      super(new ByteArrayInputStream(tar));
    }

    void awaitFirstRead() throws InterruptedException {
      assertTrue(firstRead.await(60, TimeUnit.SECONDS), "the create never read its tar");
    }

    void open() {
      opened.countDown();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (firstRead.getCount() > 0) {
        firstRead.countDown();
        return in.read(b, off, Math.min(len, 1));
      }
      try {
        if (!opened.await(60, TimeUnit.SECONDS)) {
          throw new IOException("gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("waiting at the gate");
      }
      return in.read(b, off, len);
    }
  }
}
