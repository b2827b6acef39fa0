package dev.strata.cli;

import java.util.Arrays;
import java.util.logging.Logger;

/** A child process for {@link QuietLoggingTest}: installs the command's logging, then logs. */
public final class QuietLoggingProbe {

  private QuietLoggingProbe() {}

  public static void main(String[] args) {
    QuietLogging.install(Arrays.asList(args).contains("--debug"));
    Logger log = Logger.getLogger("dev.strata.probe");
    log.info("probe info line");
    log.severe("probe severe line");
  }
}
