/**
 * File-tree operations Strata's modules share: deleting and copying whole trees exactly, atomic
 * file writes, the mount table, and xfs project quotas; and how messages quote a name taken from
 * an archive. Only Strata's own modules may use them.
 */
@SuppressWarnings("module") // qualified exports name modules built later
module dev.strata.files {
  requires dev.strata.posix;

  exports dev.strata.files to
      dev.strata.tar,
      dev.strata.driver.vfs,
      dev.strata.driver.overlay2,
      dev.strata.driver.btrfs,
      dev.strata.volume,
      dev.strata.store,
      dev.strata.registry;
}
