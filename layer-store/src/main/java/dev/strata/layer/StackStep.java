package dev.strata.layer;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.FileTrees;
import dev.strata.tar.Decompression;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One layer of a {@link StackRegistrar} attempt: a layer registered already, only to be referenced
 * again, or one to build into its staging and publish. A build may run on another thread than the
 * publish; the registrar reads a step's outcome only after its build has ended.
 */
final class StackStep {

  private final ChainId chain;
  private final LayerId cacheId;
  // A layer to build: what, on what, where; empty for a layer registered already.
  private final Optional<StackLayer> source;
  private final Optional<ChainId> parent;
  private final Optional<LayerId> parentCache;
  private final int depth;
  private final Path staging;
  private final Optional<StackStep> below;
  // Only the stack's top gains a reference: every layer below is held by its child.
  private final boolean top;
  // Open once the driver has reserved this layer's id (it reads the tar only after), or the build ended.
  private final CountDownLatch reserved = new CountDownLatch(1);
  private volatile LayerRecord built;
  private volatile Exception failure;
  private boolean published;

  private StackStep(ChainId chain, LayerId cacheId, Optional<StackLayer> source, Optional<ChainId> parent,
      Optional<LayerId> parentCache, int depth, Path staging, Optional<StackStep> below, boolean top) {
    this.chain = chain;
    this.cacheId = cacheId;
    this.source = source;
    this.parent = parent;
    this.parentCache = parentCache;
    this.depth = depth;
    this.staging = staging;
    this.below = below;
    this.top = top;
  }

  /** @param top whether the layer is the stack's top, which gains a reference */
  static StackStep existing(LayerRecord record, boolean top) {
    return new StackStep(record.layer().chainId(), record.cacheId(), Optional.empty(), Optional.empty(),
        Optional.empty(), record.layer().depth(), null, Optional.empty(), top);
  }

  /** @param below the step building the parent, when it is new too */
  static StackStep toBuild(StackLayer layer, ChainId chain, Optional<ChainId> parent, Optional<StackStep> below,
      int depth, LayerId cacheId, Path staging, boolean top) {
    Optional<LayerId> parentCache = below.map(StackStep::cacheId);
    return new StackStep(chain, cacheId, Optional.of(layer), parent, parentCache, depth, staging,
        below.filter(StackStep::isNew), top);
  }

  boolean isTop() {
    return top;
  }

  boolean isNew() {
    return source.isPresent();
  }

  ChainId chain() {
    return chain;
  }

  LayerId cacheId() {
    return cacheId;
  }

  Path staging() {
    return staging;
  }

  /**
   * Applies the tar through the driver while recording its tar-split, checks its DiffID and stages
   * the record (with one reference if it is the top). A failure is kept for {@link #rethrowFailure} and thrown.
   */
  void build(GraphDriver driver, LayerDb db) throws IOException {
    StackLayer layer = source.orElseThrow();
    try {
      // A driver accepts a parent still being created only once that create has reserved its id.
      if (below.isPresent()) {
        below.get().awaitReserved();
      }
      ApplyResult applied;
      try (InputStream plain = Decompression.open(layer.tar().open());
          OutputStream record = Files.newOutputStream(staging.resolve(LayerDb.TAR_SPLIT))) {
        TarSplitRecorder recorder = new TarSplitRecorder(plain, record);
        applied = driver.createReadOnly(cacheId, parentCache, new FirstRead(recorder, reserved::countDown));
        recorder.finish();
      }
      if (!layer.diffId().equals(applied.diffId())) {
        throw new CorruptException(layer.diffId().toString(), "layer content hashes to "
            + applied.diffId() + ", not the expected DiffID " + layer.diffId());
      }
      LayerRecord r = new LayerRecord(new Layer(chain, applied.diffId(), parent, applied.size(), depth), cacheId,
          top ? 1 : 0);
      db.stage(r, staging);
      built = r;
    } catch (CorruptException e) {
      failure = layer.explain().explain(e);
      throw (CorruptException) failure;
    } catch (IOException | RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      reserved.countDown();
    }
  }

  private void awaitReserved() throws InterruptedIOException {
    try {
      reserved.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while layer " + chain + " waited for its parent's apply to start");
    }
  }

  /** Runs {@code first} when the driver first reads the tar: its create has reserved the id by then. */
  private static final class FirstRead extends FilterInputStream {

    private Runnable first;

    FirstRead(InputStream in, Runnable first) {
      super(in);
      this.first = first;
    }

    private void started() {
      if (first != null) {
        first.run();
        first = null;
      }
    }

    @Override
    public int read() throws IOException {
      started();
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      started();
      return in.read(b, off, len);
    }
  }

  /** Throws what this step's build failed with, if it did. */
  void rethrowFailure() throws IOException {
    Exception e = failure;
    if (e instanceof IOException io) {
      throw io;
    }
    if (e instanceof RuntimeException re) {
      throw re;
    }
  }

  /** Publishes a built layer, or references the top if registered already; caller holds the record lock. */
  Layer publish(LayerIndex index) throws IOException {
    if (source.isEmpty()) {
      LayerRecord r = index.record(chain);
      if (top) {
        index.setReferences(r, r.references() + 1);
      }
      return r.layer();
    }
    if (built == null) {
      throw new IllegalStateException("layer " + chain + " published before it was built");
    }
    index.publish(built, staging);
    published = true;
    return built.layer();
  }

  /** Removes what a build left when the layer was not published: its staging and its driver layer. */
  void discardUnpublished(GraphDriver driver) throws IOException {
    if (source.isEmpty() || published) {
      return;
    }
    try {
      FileTrees.delete(staging);
    } finally {
      if (driver.exists(cacheId)) {
        driver.remove(cacheId);
      }
    }
  }
}
