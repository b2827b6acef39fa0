/**
 * Local volumes ({@code VolumeStore}: create with options, reference, mount, populate, prune),
 * the {@code -v}, {@code --mount} and {@code --tmpfs} parsers ({@code MountSpec}), and SELinux
 * relabelling.
 */
module dev.strata.volume {
  requires transitive dev.strata.driver;
  requires dev.strata.files;
  requires dev.strata.json;
  requires dev.strata.posix;

  exports dev.strata.volume;

  // Volume records are written and read by Jackson's record binding.
  opens dev.strata.volume to com.fasterxml.jackson.databind;
}
