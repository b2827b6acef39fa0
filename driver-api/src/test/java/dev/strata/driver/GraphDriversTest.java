package dev.strata.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphDriversTest {

  @TempDir Path root;

  @Test
  void constructor_serviceLoaderWithBrokenProvider_reportsItAndLoadsTheRest() {
    GraphDrivers drivers = new GraphDrivers();
    assertTrue(drivers.names().contains("loadable"), drivers.names().toString());
    assertEquals(1, drivers.loadFailures().size(), drivers.loadFailures().toString());
    ProviderReport broken = drivers.loadFailures().get(0);
    assertEquals("dev.strata.driver.TestProviders$Broken", broken.provider());
    assertEquals(ProviderReport.State.LOAD_FAILED, broken.state());
    assertTrue(broken.reason().contains("broken provider"), broken.reason());
  }

  @Test
  void survey_loadedAndBrokenProviders_reportsEachProbeThenEachLoadFailure() {
    GraphDrivers drivers = new GraphDrivers();

    List<ProviderReport> reports = drivers.survey(root);

    assertEquals(List.of(
        new ProviderReport("loadable", ProviderReport.State.SUPPORTED, "loadable works here"),
        drivers.loadFailures().get(0)), reports);
    assertTrue(reports.get(1).describe().startsWith("failed to load: "), reports.get(1).describe());
  }

  @Test
  void surveyAndSelect_probeThrows_reportProbeFailedAndSelectTheNext() throws IOException {
    class Throwing extends TestProviders.Named {
      Throwing() {
        super("btrfs", true);
      }

      @Override
      public ProbeResult probe(Path home) {
        throw new IllegalStateException("probe exploded on " + home.getFileName());
      }
    }
    GraphDrivers drivers = new GraphDrivers(List.of(new Throwing(), new TestProviders.Named("vfs", true)));

    assertEquals(List.of(
        new ProviderReport("btrfs", ProviderReport.State.PROBE_FAILED, "probe exploded on btrfs"),
        new ProviderReport("vfs", ProviderReport.State.SUPPORTED, "vfs works here")), drivers.survey(root));
    assertEquals("vfs", drivers.select(root).name());
  }

  @Test
  void constructor_duplicateNames_throwsNamingBothClasses() {
    class Other extends TestProviders.Named {
      Other() {
        super("vfs", true);
      }
    }
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new GraphDrivers(List.of(new TestProviders.Named("vfs", true), new Other())));
    assertTrue(e.getMessage().contains("TestProviders$Named"), e.getMessage());
    assertTrue(e.getMessage().contains("Other"), e.getMessage());
  }

  @Test
  void open_unknownName_listsKnownDrivers() {
    GraphDrivers drivers = new GraphDrivers(List.of(
        new TestProviders.Named("vfs", true), new TestProviders.Named("overlay2", true)));
    NotFoundException e = assertThrows(NotFoundException.class,
        () -> drivers.open("zfs", DriverConfig.of(root)));
    assertTrue(e.getMessage().contains("'zfs'"), e.getMessage());
    assertTrue(e.getMessage().contains("overlay2, vfs"), e.getMessage());
  }

  @Test
  void select_recordedDriver_winsOverPreference() throws IOException {
    GraphDrivers drivers = new GraphDrivers(List.of(
        new TestProviders.Named("vfs", true), new TestProviders.Named("overlay2", true)));
    Files.createDirectories(root.resolve("vfs/dir"));
    GraphDrivers.Selection s = drivers.select(root);
    assertEquals("vfs", s.name());
    assertTrue(s.reason().contains("already holds vfs"), s.reason());
  }

  @Test
  void select_nothingRecorded_followsPreferenceAndSaysWhy() throws IOException {
    GraphDrivers drivers = new GraphDrivers(List.of(
        new TestProviders.Named("vfs", true),
        new TestProviders.Named("overlay2", true),
        new TestProviders.Named("btrfs", false)));
    Files.createDirectories(root.resolve("overlay2")); // empty: not a record
    GraphDrivers.Selection s = drivers.select(root);
    assertEquals("overlay2", s.name());
    assertEquals("overlay2 works here", s.reason());
  }

  @Test
  void select_noneSupported_throwsWithEveryReason() {
    GraphDrivers drivers = new GraphDrivers(List.of(
        new TestProviders.Named("vfs", false), new TestProviders.Named("btrfs", false)));
    UnsupportedException e = assertThrows(UnsupportedException.class, () -> drivers.select(root));
    assertTrue(e.getMessage().contains("btrfs: btrfs needs"), e.getMessage());
    assertTrue(e.getMessage().contains("vfs: vfs needs"), e.getMessage());
  }

  @Test
  void checkName_hostile_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> GraphDrivers.checkName("../vfs"));
    assertThrows(InvalidArgumentException.class, () -> GraphDrivers.checkName(""));
  }
}
