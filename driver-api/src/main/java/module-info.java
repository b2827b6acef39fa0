/**
 * The storage driver contract: {@code GraphDriver} and its provider found by {@code
 * ServiceLoader}, the {@code GraphDrivers} registry, mounts as data, the values drivers speak in,
 * the sealed {@code StorageException} family, and the skeletons drivers extend.
 */
module dev.strata.driver {
  requires dev.strata.posix;

  exports dev.strata.driver;
  exports dev.strata.driver.error;

  uses dev.strata.driver.GraphDriverProvider;
}
