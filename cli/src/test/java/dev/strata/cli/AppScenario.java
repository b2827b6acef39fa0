package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** A scenario whose root first gets {@link AppImage}, loaded from its archive; subclasses add to it. */
abstract class AppScenario implements CrashScenario {

  private final Path appArchive;
  private final String name;
  private final String done;
  private final String[] command;

  AppScenario(Path appArchive, String name, String done, String... command) {
    this.appArchive = appArchive;
    this.name = name;
    this.done = done;
    this.command = command;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String done() {
    return done;
  }

  @Override
  public String[] command() {
    return Arrays.copyOf(command, command.length);
  }

  @Override
  public void prepare(ListedRoot s) throws IOException {
    s.ok("load", "-i", appArchive.toString());
  }

  @Override
  public String toString() {
    return name;
  }
}
