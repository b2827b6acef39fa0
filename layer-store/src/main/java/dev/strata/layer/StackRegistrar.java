package dev.strata.layer;

import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Registers a stack of layers all or nothing, for {@link LayerStore#registerAll}. Three phases:
 * <ol>
 *   <li><b>build</b>: every layer not registered yet is applied through the driver into its own
 *       staging (cache ids and staging taken in stack order, so they do not depend on timing). On
 *       a driver with {@link Capability#INDEPENDENT_LAYERS} the applies run side by side, at most
 *       {@code parallelism} at once; elsewhere one after another, each on the one below.
 *   <li><b>flush</b>: one flush for the whole stack instead of one per layer.
 *   <li><b>publish</b>: under the record lock, bottom-up, so no published layer ever has an
 *       unpublished parent; the top gets one reference, each layer below is held by its child.
 * </ol>
 * A failure in the first two phases removes every layer built and publishes nothing. Should another
 * thread or process publish one of the stack's layers meanwhile, this attempt's layers are dropped
 * and the stack registered again on what is there now.
 */
final class StackRegistrar {

  /** Drops one reference, as {@link LayerStore#release} does. */
  @FunctionalInterface
  interface Release {
    void release(ChainId chain) throws IOException;
  }

  private final LayerStoreState state;
  private final int parallelism;
  private final Release release;

  StackRegistrar(LayerStoreState state, int parallelism, Release release) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
    }
    this.state = state;
    this.parallelism = parallelism;
    this.release = release;
  }

  /** I/O errors are left untranslated, as by {@link LayerRegistrar#apply}. */
  List<Layer> register(Optional<ChainId> base, List<StackLayer> stack) throws IOException {
    state.ensureOpen();
    // Every retry finds at least one more of the stack's layers registered: it ends.
    for (int attempt = 0; ; attempt++) {
      Attempt a = new Attempt(base, List.copyOf(stack));
      Optional<List<Layer>> done;
      // Removals wait while this holds the layers lock shared: the base and the layers found stay.
      try (var building = state.locks().building()) {
        state.locks().refreshIfChanged();
        done = a.run();
      } catch (IOException | RuntimeException e) {
        a.dropReferences(e);
        throw e;
      }
      if (done.isPresent()) {
        return done.get();
      }
      if (attempt > stack.size()) {
        throw new IllegalStateException("registering a stack of " + stack.size() + " layers kept racing other registrations");
      }
    }
  }

  /** One try at the whole stack. */
  private final class Attempt {

    private final Optional<ChainId> base;
    private final List<StackLayer> stack;
    private final List<StackStep> steps = new ArrayList<>();
    private final List<ChainId> referenced = new ArrayList<>();

    Attempt(Optional<ChainId> base, List<StackLayer> stack) {
      this.base = base;
      this.stack = stack;
    }

    /** The layers, or empty when another registration published one of the new layers first. */
    Optional<List<Layer>> run() throws IOException {
      Optional<List<Layer>> layers;
      try {
        plan();
        build();
        flush();
        layers = publish();
      } catch (IOException | RuntimeException e) {
        discardUnpublished(e);
        throw e;
      }
      discardUnpublished(null);
      return layers;
    }

    private Optional<List<Layer>> publish() throws IOException {
      try (var held = state.locks().records()) {
        for (StackStep s : steps) {
          if (s.isNew() && state.index().cached(s.chain()).isPresent()) {
            return Optional.empty();
          }
        }
        List<Layer> layers = new ArrayList<>();
        for (StackStep s : steps) {
          layers.add(s.publish(state.index()));
          if (s.isTop()) {
            referenced.add(s.chain());
          }
        }
        return Optional.of(layers);
      }
    }

    private void plan() throws IOException {
      LayerIndex index = state.index();
      Optional<ChainId> parent = base;
      Optional<LayerRecord> below = base.isPresent() ? Optional.of(index.record(base.get())) : Optional.empty();
      int depth = below.map(r -> r.layer().depth()).orElse(0) + stack.size();
      if (depth > state.maxDepth()) {
        throw new FailedPreconditionException(base.map(ChainId::toString).orElse("<base>"), stack.size()
            + " layers on " + base.map(ChainId::toString).orElse("nothing") + " would make a stack of " + depth
            + " layers; " + state.driver().name() + " allows at most " + state.maxDepth());
      }
      depth = below.map(r -> r.layer().depth()).orElse(0);
      Optional<StackStep> under = below.map(r -> StackStep.existing(r, false));
      for (int i = 0; i < stack.size(); i++) {
        StackLayer layer = stack.get(i);
        boolean top = i == stack.size() - 1;
        ChainId chain = ChainId.of(parent, layer.diffId());
        depth++;
        Optional<LayerRecord> existing = index.cached(chain);
        StackStep step = existing.isPresent()
            ? StackStep.existing(existing.get(), top)
            : StackStep.toBuild(layer, chain, parent, under, depth, state.ids().next(""), state.db().newStagingDir(),
                top);
        steps.add(step);
        under = Optional.of(step);
        parent = Optional.of(chain);
      }
    }

    private void build() throws IOException {
      List<StackStep> builds = steps.stream().filter(StackStep::isNew).toList();
      GraphDriver driver = state.driver();
      if (builds.size() < 2 || !driver.capabilities().contains(Capability.INDEPENDENT_LAYERS)) {
        for (StackStep s : builds) {
          s.build(driver, state.db());
        }
        return;
      }
      AtomicBoolean failed = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, builds.size()), r -> {
        Thread t = new Thread(r, "strata-layer-apply");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<?>> running = new ArrayList<>();
        for (StackStep s : builds) {
          running.add(pool.submit(() -> {
            if (failed.get()) {
              return null; // a layer below failed: this one would be discarded anyway
            }
            try {
              s.build(driver, state.db());
            } catch (IOException | RuntimeException e) {
              failed.set(true);
              throw e;
            }
            return null;
          }));
        }
        awaitAll(running);
      } finally {
        pool.shutdownNow();
      }
      // The lowest failure is the cause: a layer above it failed only because its parent did.
      for (StackStep s : builds) {
        s.rethrowFailure();
      }
    }

    private static void awaitAll(List<Future<?>> running) throws InterruptedIOException {
      boolean interrupted = false;
      for (Future<?> f : running) {
        while (true) {
          try {
            f.get();
            break;
          } catch (InterruptedException e) {
            // The builds must end before their layers can be discarded; they are asked to stop.
            interrupted = true;
            running.forEach(r -> r.cancel(true));
          } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            break; // kept by the step itself
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while applying a stack of layers");
      }
    }

    // One flush for the stack: its layers' files and the driver's records of them (driver home)
    // and staged records and tar-splits.
    private void flush() throws IOException {
      for (StackStep s : steps) {
        if (s.isNew()) {
          state.syncer().sync(state.driverHome());
          state.syncer().sync(s.staging());
          return;
        }
      }
    }

    /** Removes the layers built but not published, top first (a driver refuses to remove a parent). */
    private void discardUnpublished(Exception primary) throws IOException {
      IOException failure = null;
      for (int i = steps.size() - 1; i >= 0; i--) {
        try {
          steps.get(i).discardUnpublished(state.driver());
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure != null) {
        if (primary != null) {
          primary.addSuppressed(failure);
        } else {
          throw failure;
        }
      }
    }

    /** Drops the reference a failed publish had taken; the layers go with it. */
    void dropReferences(Exception primary) {
      for (int i = referenced.size() - 1; i >= 0; i--) {
        try {
          release.release(referenced.get(i));
        } catch (IOException | RuntimeException e) {
          primary.addSuppressed(e);
        }
      }
      referenced.clear();
    }
  }
}
