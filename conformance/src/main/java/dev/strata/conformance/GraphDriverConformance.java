package dev.strata.conformance;

/**
 * The whole driver conformance suite: every contract, for a driver that supports them all. A
 * driver adopts it in a few lines (see {@link DriverContract} for the harness and the options):
 *
 * <pre>{@code
 * class MyDriverConformanceTest implements GraphDriverConformance {
 *   @RegisterExtension
 *   final DriverHarness harness = DriverHarness.of(config -> new MyDriverProvider().open(config));
 *
 *   @Override
 *   public DriverHarness harness() {
 *     return harness;
 *   }
 * }
 * }</pre>
 *
 * <p>The cases are grouped by area, one interface each, and a driver may implement any of them
 * alone: {@link LifecycleContract} (create, remove, identity, restart, depth), {@link
 * UnionContract} (views against a flat reference directory), {@link DiffContract} (diff, changes,
 * apply, broken and hostile tars), {@link NamesContract} (names that are not UTF-8, byte for byte
 * through apply, mount, diff and changes), {@link MountContract} (reference counts, concurrency,
 * capabilities, usage), {@link PendingParentContract} (a child created while its parent's create
 * runs) and {@link StressContract} (64 threads mounting shared layers: exact counts,
 * one path per layer, no leaked mount; sized for CI, longer with {@code -Dstrata.soak=true}).
 */
public interface GraphDriverConformance
    extends LifecycleContract, UnionContract, DiffContract, NamesContract, MountContract, StressContract,
    PendingParentContract {}
