/** The {@code overlay2} storage driver; found through {@code ServiceLoader}, its provider the one public type. */
@SuppressWarnings("module") // the driver's name ends in a digit, as Docker's does
module dev.strata.driver.overlay2 {
  requires transitive dev.strata.driver;
  requires dev.strata.files;
  requires dev.strata.posix;
  requires dev.strata.tar;

  exports dev.strata.driver.overlay2;

  provides dev.strata.driver.GraphDriverProvider with dev.strata.driver.overlay2.Overlay2DriverProvider;
}
