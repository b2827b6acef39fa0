/**
 * Native calls to Linux through jnr-ffi: one small class per concern (file nodes, xattrs, mounts,
 * ioctls, loop devices, quotas, directory descriptors), each turning {@code -1} into a {@code
 * PosixException} carrying errno. Only Strata's own modules may use them.
 */
@SuppressWarnings({"module", "requires-automatic"}) // exports name modules built later; jnr is automatic
module dev.strata.posix {
  requires org.jnrproject.constants;
  requires org.jnrproject.ffi;

  exports dev.strata.posix to
      dev.strata.files,
      dev.strata.driver,
      dev.strata.tar,
      dev.strata.driver.vfs,
      dev.strata.driver.overlay2,
      dev.strata.driver.btrfs,
      dev.strata.volume,
      dev.strata.store;
}
