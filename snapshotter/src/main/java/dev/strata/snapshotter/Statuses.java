package dev.strata.snapshotter;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Maps Strata's errors to the gRPC codes containerd's errdefs turns back into its own errors: the
 * client decides on them (an unpack that meets ALREADY_EXISTS from Prepare uses the existing
 * snapshot; garbage collection skips a FAILED_PRECONDITION), so the code matters more than the
 * message.
 */
final class Statuses {

  private static final System.Logger LOG = System.getLogger(Statuses.class.getName());

  private Statuses() {}

  static StatusRuntimeException of(String rpc, Throwable e) {
    Status status;
    if (e instanceof NotFoundException) {
      status = Status.NOT_FOUND;
    } else if (e instanceof AlreadyExistsException) {
      status = Status.ALREADY_EXISTS;
    } else if (e instanceof FailedPreconditionException) {
      status = Status.FAILED_PRECONDITION;
    } else if (e instanceof InvalidArgumentException || e instanceof IllegalArgumentException) {
      status = Status.INVALID_ARGUMENT;
    } else if (e instanceof UnsupportedException) {
      status = Status.UNIMPLEMENTED;
    } else if (e instanceof CorruptException) {
      status = Status.DATA_LOSS;
    } else {
      // Not a failure of the request but of the system (disk, driver): worth a log line here,
      // since containerd only shows the message.
      LOG.log(System.Logger.Level.ERROR, rpc + " failed", e);
      status = Status.INTERNAL;
    }
    return status.withDescription(rpc + ": " + e.getMessage()).asRuntimeException();
  }
}
