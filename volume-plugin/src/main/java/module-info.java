/**
 * Docker's legacy (v1) volume plugin protocol served over a unix socket, so that {@code docker
 * volume create -d strata} and {@code docker run -v NAME:/dst --volume-driver strata} keep their
 * data in Strata's volume store.
 */
module dev.strata.volumeplugin {
  requires dev.strata.volume;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.unixdomain.server;
  requires com.fasterxml.jackson.databind;

  exports dev.strata.volumeplugin;
}
