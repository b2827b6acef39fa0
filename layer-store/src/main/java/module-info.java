/**
 * The store above the drivers: content-addressed layers and containers' write layers ({@code
 * dev.strata.layer}), images, tags and image archives ({@code dev.strata.image}), containers with
 * their volumes and mounts ({@code dev.strata.container}), {@code strata check} ({@code
 * dev.strata.check}) and {@code strata system df} ({@code dev.strata.usage}).
 */
@SuppressWarnings("requires-automatic") // Caffeine and commons-compress are automatic modules
module dev.strata.store {
  requires transitive dev.strata.driver;
  requires transitive dev.strata.volume;
  requires dev.strata.files;
  requires dev.strata.json;
  requires dev.strata.posix;
  requires dev.strata.tar;
  requires com.github.benmanes.caffeine;
  requires org.apache.commons.compress;

  exports dev.strata.check;
  exports dev.strata.container;
  exports dev.strata.image;
  exports dev.strata.layer;
  exports dev.strata.usage;

  // Records of images, tags and containers are written and read by Jackson's record binding.
  opens dev.strata.container to com.fasterxml.jackson.databind;
  opens dev.strata.image to com.fasterxml.jackson.databind;
}
