package dev.strata.registry;

/** Hears how a push goes, layer by layer. Must be quick and must not throw. */
@FunctionalInterface
public interface PushListener {

  /** Ignores everything. */
  PushListener NONE = p -> { };

  void onProgress(PushProgress progress);
}
