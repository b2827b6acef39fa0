package dev.strata.registry;

/**
 * Hears how a pull goes, layer by layer. Called from download threads, possibly concurrently for
 * different layers; must be quick and must not throw.
 */
@FunctionalInterface
public interface PullListener {

  /** Ignores everything. */
  PullListener NONE = p -> { };

  void onProgress(LayerProgress progress);
}
