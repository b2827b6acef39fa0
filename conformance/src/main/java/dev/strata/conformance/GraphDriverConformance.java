package dev.strata.conformance;

/**
 * The whole driver conformance suite in one class. A driver adopts it in a few lines:
 *
 * <pre>{@code
 * class MyDriverConformanceTest extends GraphDriverConformance {
 *   @Override
 *   protected GraphDriver openDriver(Path home) throws IOException {
 *     return new MyDriverProvider().open(DriverConfig.of(home));
 *   }
 * }
 * }</pre>
 *
 * <p>{@code openDriver} is called with a fresh, empty home for each test, and again with the same
 * home when a test checks a restart. After every test the suite drops all mount references, closes
 * the drivers and fails if anything is still mounted under the home.
 *
 * <p>The cases are grouped by area, one class each, stacked so that this class inherits them all
 * (and each adopting class reports every case under its own name): {@link LifecycleContract}
 * (create, remove, identity, restart, depth), {@link UnionContract} (views against a flat reference
 * directory), {@link DiffContract} (diff, changes, apply, broken and hostile tars) and {@link
 * MountContract} (reference counts, concurrency, capabilities, usage) and {@link StressContract}
 * (64 threads mounting shared layers: exact counts, one path per layer, no leaked mount; sized for
 * CI, longer with {@code -Dstrata.soak=true}). Extending {@code
 * LifecycleContract} alone adopts the first area only.
 *
 * <p>Tests that need root are skipped through {@code Assumptions}, never passed silently; run as
 * root to run them all. Capabilities ({@code READ_ONLY_VIEWS}, {@code DEVICE_NODES}, {@code QUOTA})
 * are checked both ways: the behaviour must be there exactly when the driver declares it.
 */
public abstract class GraphDriverConformance extends StressContract {}
