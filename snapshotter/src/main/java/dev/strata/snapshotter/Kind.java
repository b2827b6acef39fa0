package dev.strata.snapshotter;

/** A snapshot's kind, as containerd names them; see {@link SnapshotRecord}. */
enum Kind {
  /** Read-only view of a committed parent; cannot be committed. */
  VIEW,
  /** Writable; becomes a committed snapshot (under a new name) on commit. */
  ACTIVE,
  /** Immutable; the only kind that may be a parent. */
  COMMITTED
}
