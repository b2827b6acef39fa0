/** The {@code btrfs} storage driver; found through {@code ServiceLoader}, its provider the one public type. */
module dev.strata.driver.btrfs {
  requires transitive dev.strata.driver;
  requires dev.strata.files;
  requires dev.strata.posix;
  requires dev.strata.tar;

  exports dev.strata.driver.btrfs;

  provides dev.strata.driver.GraphDriverProvider with dev.strata.driver.btrfs.BtrfsDriverProvider;
}
