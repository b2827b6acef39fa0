/** Pull, push and login against OCI and Docker registries, over the JDK's HTTP client. */
@SuppressWarnings("requires-automatic") // zstd-jni is an automatic module
module dev.strata.registry {
  requires transitive dev.strata.store;
  requires dev.strata.files;
  requires dev.strata.json;
  requires com.github.luben.zstd_jni;
  requires java.net.http;

  exports dev.strata.registry;

  // Credentials and manifests are written by Jackson's record binding.
  opens dev.strata.registry to com.fasterxml.jackson.databind;
}
