package dev.strata.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (a build from sources says "dev"). */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String v = StrataCommand.class.getPackage().getImplementationVersion();
    return new String[] {"strata " + (v == null ? "dev" : v)};
  }
}
